"""Scoring: pure functions over pandas DataFrames (no ORM, no settings, no clock, no I/O).

Input frames and their columns are described in `assessor.scoring.frames`.
"""
