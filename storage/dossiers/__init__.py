"""The dossier lifecycle: create, number, save, submit, expire, link, register, audit."""
