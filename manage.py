#!/usr/bin/env python
"""Django's usual entry point; `coopreview` does the same once installed."""

from coopreview.__main__ import main

if __name__ == "__main__":
    main()
