#!/usr/bin/env python
from mofan.cli import main

if __name__ == "__main__":
    main()
