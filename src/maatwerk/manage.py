"""The `maatwerk` console script: Django's management entry point.

``runserver`` on an address other than loopback is refused while the development settings are in force
(DEBUG or the fixed development key): those would serve tracebacks and sign sessions with a public key
(issue 12). The WSGI application refuses such requests too (``maatwerk.config.wsgi``)."""

import os
import sys

#: runserver options that take a value in the next argument
_WITH_VALUE = {"--settings", "--pythonpath", "-v", "--verbosity"}


def runserver_address_is_loopback(args: list[str]) -> bool:
    """Whether ``runserver`` with these arguments (those after the word ``runserver``) listens on loopback only."""
    positional, skip = [], False
    for arg in args:
        if skip:
            skip = False
        elif arg in _WITH_VALUE:
            skip = True
        elif not arg.startswith("-"):
            positional.append(arg)
    if not positional:
        return True  # Django's default: 127.0.0.1 (or ::1 with --ipv6)
    addrport = positional[0]
    if addrport.isdigit():
        return True  # only a port: the default loopback address
    if addrport.startswith("["):
        host = addrport[1:].split("]", 1)[0]
    else:
        host = addrport.rsplit(":", 1)[0] if ":" in addrport else addrport
    if host == "0":
        return False  # Django reads "0" as 0.0.0.0
    from maatwerk.core.middleware import is_loopback_host

    return host != "testserver" and is_loopback_host(host if ":" not in host else f"[{host}]")


def refuse_development_server_on_network(argv: list[str]) -> None:
    if len(argv) < 2 or argv[1] != "runserver":
        return
    from maatwerk.core.middleware import REFUSAL, development_settings

    if development_settings() and not runserver_address_is_loopback(argv[2:]):
        sys.stderr.write(REFUSAL)
        raise SystemExit(2)


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "maatwerk.config.settings")
    from django.core.management import execute_from_command_line

    argv = argv if argv is not None else sys.argv
    refuse_development_server_on_network(argv)
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
