"""The ``commerce`` console script: start the CLI, or say which extra to install.

``pip install commerce-core`` without ``[cli]`` still installs the ``commerce`` script (a
wheel cannot make a script depend on an extra), so this launcher imports nothing but the
standard library until it has checked that the CLI's own dependencies are there.
"""

from __future__ import annotations

import sys

__all__ = ["CLI_EXTRA_HINT", "main"]

#: Modules the command line needs beyond the core, each brought by the ``cli`` extra.
CLI_MODULES = ("typer", "rich")

CLI_EXTRA_HINT = (
    "commerce: the command line needs the 'cli' extra, which is not installed "
    "(missing module: {module}).\n"
    "Install it with: pip install 'commerce-core[cli]'   "
    "(from a checkout: pip install '.[cli]')"
)


def main() -> None:
    """Entry point of the ``commerce`` console script."""
    for module in CLI_MODULES:
        try:
            __import__(module)
        except ModuleNotFoundError:
            print(CLI_EXTRA_HINT.format(module=module), file=sys.stderr)
            raise SystemExit(1) from None
    from commerce_cli.main import main as run

    run()


if __name__ == "__main__":
    main()
