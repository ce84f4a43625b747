"""microwork: the code behind the study book on micro-work in France.

Data flows one way: ``data/`` (sources and schemas) -> this package (loading,
validation, estimation, charts, build) -> ``chapters/`` (narrative notebooks)
-> ``_build/`` (the book).
"""

__version__ = "0.1.0"
