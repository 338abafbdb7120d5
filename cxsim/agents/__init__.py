"""The Mesa agents of a service organisation and its customers."""

from cxsim.agents.customer import Customer
from cxsim.agents.delivery_team import DeliveryTeam
from cxsim.agents.salesperson import Salesperson
from cxsim.agents.service_agent import ServiceAgent
from cxsim.agents.specialist import Specialist
from cxsim.agents.supervisor import Supervisor

__all__ = ["Customer", "DeliveryTeam", "Salesperson", "ServiceAgent", "Specialist", "Supervisor"]
