"""Work done after the response: rendering recap PDFs and sending the outbox's emails.

`worker` runs both in a thread of each server process; `guichet documents
render` and `guichet mail send` run one round from the command line.
"""
