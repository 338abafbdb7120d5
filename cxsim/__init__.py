"""cxsim: agent-based simulation of service-delivery organisations.

Scenario -> validated parameters -> the organisation's parts -> records -> KPIs -> files,
report, app (docs/architecture.md).
"""

__version__ = "0.1.0"  # first: modules below read it while this package is still importing

from cxsim.model import ServiceOrganisation  # noqa: E402
from cxsim.scenario import Scenario, ScenarioError, load_scenario  # noqa: E402

__all__ = ["ServiceOrganisation", "Scenario", "ScenarioError", "load_scenario", "__version__"]
