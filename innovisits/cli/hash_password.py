"""`hash-password`: an argon2 hash to put under `[staff.accounts]` in `.streamlit/secrets.toml`."""

from __future__ import annotations

import argparse
import getpass
import sys


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--user", default="alice", help="account name shown in the printed line")
    parser.add_argument(
        "--stdin", action="store_true", help="read the password from standard input (the default when it is a pipe)"
    )


def run(args: argparse.Namespace) -> int:
    from innovisits.data.passwords import hash_password

    if args.stdin or not sys.stdin.isatty():  # `echo ... | hash-password`: no terminal to ask on
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            print("error: no password on standard input (give it on the first line)", file=sys.stderr)
            return 1
    else:
        password = getpass.getpass("Password: ")
        if getpass.getpass("Again: ") != password:
            print("error: the passwords differ", file=sys.stderr)
            return 1
    if len(password) < 12:
        print("error: use at least 12 characters", file=sys.stderr)
        return 1
    print("# add under [staff.accounts] in .streamlit/secrets.toml")
    print(f'{args.user} = "{hash_password(password)}"')
    return 0
