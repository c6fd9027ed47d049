"""`python -m web.cli ...`: the `guichet` command, for when the script is not on PATH."""

from web.cli import main

main()
