"""shihyo (指標): goal and KPI monitoring for public action plans. This package is the
command line (`shihyo.cli`, the `shihyo` script) and the launcher of `shihyo up`; both ask
the service (`service.Service`) for everything."""

__version__ = "0.1.0"
