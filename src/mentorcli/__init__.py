"""mentorcli: case register and reports of the social worker and social mentor service."""

__version__ = "0.1.0"
