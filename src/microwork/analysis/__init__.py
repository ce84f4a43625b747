"""What a chapter notebook imports: loading and validating the data, estimates, checks, charts, display helpers.

Nothing here imports :mod:`microwork.pipeline` (a test keeps it so): a change under ``analysis/`` re-executes
the chapters, a change under ``pipeline/`` only re-renders the book.
"""
