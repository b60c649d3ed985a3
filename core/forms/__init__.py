"""Protocols: XLSForm reading and checking, the codebook, the expression language, the interview engine."""
