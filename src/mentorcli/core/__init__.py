"""The pure domain: dates, legal status, eligibility, episodes, counting.

Nothing here reads a file, the clock or the terminal; "today" is always an argument.
"""
