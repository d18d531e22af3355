"""policykg: Chinese government reply letters and proposals into a knowledge graph.

Pipeline: read → extract → resolve → rdf → store → query / viz / export.
"""

__version__ = "0.1.0"
