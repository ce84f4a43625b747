"""How the book is made from the chapters: execution cache, papermill runs, rendering, publishing, PDFs,
snapshots and reproduction runs. Chapter kernels never import it, so changing it re-executes no chapter.
"""
