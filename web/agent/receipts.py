"""The receipt check page, /agent/recapitulatifs/verifier (comes with storage.verify_receipt)."""
