"""What reaches the applicant: messages, documents (recap PDFs) and the email outbox."""
