"""shihyo (指標): goal and KPI monitoring for public action plans."""

__version__ = "0.1.0"
