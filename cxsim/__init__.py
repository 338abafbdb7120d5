"""cxsim: agent-based simulation of service-delivery organisations.

Scenario -> validated parameters -> model -> records -> KPIs -> files and plots.
"""

from cxsim.model import ServiceOrganisation
from cxsim.scenario import Scenario, ScenarioError, load_scenario

__all__ = ["ServiceOrganisation", "Scenario", "ScenarioError", "load_scenario", "__version__"]
__version__ = "0.1.0"
