"""errdiag: turn an Azure Backup error into a diagnosis."""

__version__ = "0.1.0"
