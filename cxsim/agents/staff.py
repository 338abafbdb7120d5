"""Behaviour shared by every member of staff: serve one job at a time from a pool."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import mesa

from cxsim.mechanisms.workforce import learn
from cxsim.queueing import ServerPool

if TYPE_CHECKING:
    import numpy as np

    from cxsim.model import ServiceOrganisation

__all__ = ["StaffAgent"]


class StaffAgent(mesa.Agent):
    """An employee who serves jobs from ``pool`` one at a time.

    Subclasses say how long a job takes (``duration``) and what happens when it is done
    (``complete``). The completion is an event bound to this agent.
    """

    model: ServiceOrganisation

    def __init__(self, model: ServiceOrganisation, skill: float) -> None:
        super().__init__(model)
        self.skill = skill  # the role's skill: listening, execution, problem solving, judgement
        self.pool: ServerPool | None = None
        self.job: Any = None
        self.busy_days = 0.0
        self.recognised = False
        self.seat: np.random.Generator | None = None  # the post's stream (see model._seat)
        self.leaving = False
        self.away = False  # off the floor, in training
        self.role = ""
        self.returning = False  # back from training while a job was still in hand
        self._training: tuple[float, float, float] = (0.0, 0.0, 0.0)  # days off, gain, cost
        self._training_target = "skill"  # or "empathy" (frontline agents and supervisors)

    def start(self, job: Any) -> None:
        """Take ``job`` and schedule its completion."""
        self.job = job
        duration = self.duration(job)
        self.busy_days += duration
        self.model.schedule_event(self.finish, after=duration)

    def finish(self) -> None:
        """Hand the finished job on and take the next one, or leave if they resigned."""
        job, self.job = self.job, None
        self.learn()
        if self.leaving or self.away:
            self.complete(job)
            if self.leaving:
                self.remove()
            return
        if self.returning:
            self.returning = False
            self.pool.add_server(self)
        else:
            self.pool.release(self)
        self.complete(job)

    def learn(self) -> None:
        """Experience: each job moves skill toward the ceiling (a learning curve)."""
        if rate := self.model.learning_per_job:
            self.skill = learn(self.skill, rate, self.model.params.workforce.skill_ceiling)

    def enrol(self, days_off: float, gain: float, cost: float, target: str = "skill") -> None:
        """Book a place on a training programme (starts when ``start_training`` fires)."""
        self._training = (days_off, gain, cost)
        self._training_target = target

    def start_training(self) -> None:
        """Go off the floor (finishing the job in hand) for the programme's days."""
        if self.leaving or self.away or self not in self.pool.servers:
            return
        days_off, _, cost = self._training
        self.away = True
        self.pool.retire(self)
        self.model.away[self.role] += 1
        self.model.ledger.spend("training", cost, self.model.time)
        self.model.schedule_event(self.end_training, after=days_off)

    def end_training(self) -> None:
        """Back on the floor with more skill."""
        self.away = False
        self.model.away[self.role] -= 1
        if self._training_target == "empathy":
            self.empathy = learn(
                self.empathy, self._training[1], self.model.params.workforce.skill_ceiling
            )
        else:
            self.skill = learn(
                self.skill, self._training[1], self.model.params.workforce.skill_ceiling
            )
        if self.job is None:
            self.pool.add_server(self)
        else:
            self.returning = True

    def resign(self) -> None:
        """Leave the organisation: at once if idle, after the current job if busy."""
        self.leaving = True
        self.pool.retire(self)
        if self.job is None:
            self.remove()

    def duration(self, job: Any) -> float:
        """Time in days this job takes."""
        raise NotImplementedError

    def complete(self, job: Any) -> None:
        """What happens when the job is done."""
        raise NotImplementedError
