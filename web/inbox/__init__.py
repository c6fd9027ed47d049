"""The applicant's inbox: the message centre (`messages`) and Mes documents (`documents`).

Each module holds its own blueprint; both only show what storage wrote in the
transaction that caused it (a submission's message, its recap PDF).
"""
