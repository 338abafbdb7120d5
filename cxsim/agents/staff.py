"""Behaviour shared by every member of staff: serve one job at a time from a pool."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import mesa

from cxsim.mechanisms.workforce import learn
from cxsim.queueing import ServerPool

if TYPE_CHECKING:
    from cxsim.model import ServiceOrganisation

__all__ = ["StaffAgent"]


class StaffAgent(mesa.Agent):
    """An employee who serves jobs from ``pool`` one at a time.

    Subclasses say how long a job takes (``duration``) and what happens when it is done
    (``complete``). The completion is a Mesa event bound to this agent.
    """

    model: ServiceOrganisation

    def __init__(self, model: ServiceOrganisation, skill: float) -> None:
        super().__init__(model)
        self.skill = skill  # the role's skill: listening, execution, problem solving, judgement
        self.pool: ServerPool | None = None
        self.job: Any = None
        self.busy_days = 0.0
        self.recognised = False
        self.leaving = False

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
        if self.leaving:
            self.complete(job)
            self.remove()
            return
        self.pool.release(self)
        self.complete(job)

    def learn(self) -> None:
        """Experience: each job moves skill toward the ceiling (a learning curve)."""
        wf = self.model.params.workforce
        self.skill = learn(self.skill, wf.learning_per_job * self.model.hiring.learning_multiplier,
                           wf.skill_ceiling)

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
