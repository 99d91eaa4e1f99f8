"""A back-office command line (后台命令行) built only on commerce_core's public API.

Run ``commerce --help``; ``commerce demo`` builds a sample category tree to look at.
"""
