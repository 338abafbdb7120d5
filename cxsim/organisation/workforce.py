"""The workforce: posts and the people in them, hiring, turnover, training and the payroll.

Each post has a role, a pool of people serving from one queue, a way to hire into it and a
salary. Hires follow the hiring policy's profile (offsets on skill and empathy, multipliers on
learning, turnover, salary, hiring cost and onboarding), each member keeping the profile they
were hired under; the day-0 staff are who they are, the role's usual hire, so that a hiring
policy shows as the workforce renews (seed 004). A leaver's post stays empty for a hiring delay
(none is filled during a hiring freeze), then the new hire spends ``onboarding_days`` (times the
profile's multiplier) paid but not yet serving; trainees are paid off the floor. A post's people
work its timetable: the roster of a channel or of the supervisors sets how many are on duty at
each moment (a job in hand is finished first); sales and delivery work
``calendar.working_hours``, their jobs advancing only in working time
(``cxsim.mechanisms.timetable``). The formulas (leaving, learning, fading) are in
``cxsim.mechanisms.workforce`` with their sources.

Each post draws from its own random stream, keyed by the post (pool and number), not by the
order of events, so post *k* draws the same numbers in every scenario with the same seed
(synchronised common random numbers), however turnover elsewhere differs.

A decision taken during the run (``adopt``) changes the hiring policy for the next hires,
recruits the positions it adds (each a new seat with its own stream), makes the positions it
cuts redundant (open vacancies first, then the latest hires, each paid
``redundancy_pay_weeks``; anyone away in training is cut when they leave instead), moves a
roster from now, and enrols a programme it adds from its start day or now, whichever is later.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import mesa
import numpy as np
from mesa.time import Priority

from cxsim.agents import DeliveryTeam, Salesperson, ServiceAgent, Specialist, Supervisor
from cxsim.agents.staff import StaffAgent, Workplace
from cxsim.agents.supervisor import Coaching
from cxsim.calendar import Entry, EventCalendar
from cxsim.mechanisms.motivation import (
    leaving_probability,
    recognition_lift,
    settle,
    standing,
    strain,
)
from cxsim.mechanisms.shocks import Shocks
from cxsim.mechanisms.timetable import ALWAYS, Timetable
from cxsim.mechanisms.workforce import decay_skill, full_time_equivalents, training_fade
from cxsim.organisation.ledger import Ledger
from cxsim.scenario import HiringProfile, Scenario, Training
from cxsim.specs import StaffSpec, Timetables, roster_positions
from cxsim.stations.pool import ServerPool
from cxsim.streams import named_stream
from cxsim.units import DAYS_PER_YEAR, HOURS_PER_DAY, clip_share

__all__ = ["Post", "Vacancy", "Workforce", "EMPATHY_SD", "FRONTLINE_CHANNELS"]

EMPATHY_SD = 0.1  # spread of empathy between staff members (share); assumption
FRONTLINE_CHANNELS = ("phone", "chat", "email")  # the staffed channels
# keys the posts' streams: a new post goes at the end, so the others keep their numbers
POSTS = ("sales", "delivery", *FRONTLINE_CHANNELS, "supervisors", "specialists")
type Hire = Callable[[np.random.Generator, np.random.Generator, HiringProfile], StaffAgent]


@dataclass(slots=True)
class Post:
    """A kind of post: its role, the pool its holders serve in, how to hire one, the salary.

    A decision on staffing replaces its roster and the people a position stands for.
    """

    name: str  # sales, delivery, phone, chat, email or supervisors
    role: str  # sales, delivery, frontline or supervisors
    pool: ServerPool
    hire: Hire  # (traits stream, the post's stream) -> a new holder
    salary_per_year: float
    hours: Timetable  # working time in which its jobs advance (ALWAYS: rostered instead)
    on_duty: Timetable | None  # its roster: how many are on duty (None: all, always)
    people: float  # full-time people paid per position (a rostered seat needs several)

    def place(self, member: StaffAgent) -> None:
        """Give a new holder the post's pool, role, hours and the people they stand for."""
        member.pool, member.role, member.post = self.pool, self.role, self.name
        member.hours, member.people = self.hours, self.people


@dataclass(eq=False, slots=True)
class Vacancy:
    """An open post: filled after the hiring delay, then onboarded."""

    post: Post
    seat: np.random.Generator  # the post's random stream, passed on to whoever fills it
    member: StaffAgent | None = None  # the new hire, once found


class Workforce:
    """Hires the staff, keeps their posts filled, trains them and pays them."""

    def __init__(
        self,
        model: mesa.Model,
        params: Scenario,
        calendar: EventCalendar,
        ledger: Ledger,
        counters: Counter[str],
        shocks: Shocks,
        timetables: Timetables,
    ) -> None:
        self.model = model  # Mesa registers every agent with its model
        self.params, self.wf, self.timetables = params, params.workforce, timetables
        self.calendar, self.ledger, self.counters, self.shocks = calendar, ledger, counters, shocks
        self.profile = getattr(params.workforce.profiles, params.workforce.hiring_policy)
        self.usual = HiringProfile()  # the day-0 staff: the role's usual hire, no offsets
        # positions held (serving, onboarding, in training or finishing a job on return) and
        # the sum of their holders' salary multipliers, by post
        self.held: Counter[str] = Counter()
        self.salary_weight: Counter[str] = Counter()
        self.posts: list[Post] = []
        self.away: Counter[str] = Counter()  # in training, by post
        self.vacancies: dict[Vacancy, None] = {}  # open posts, in the order they opened
        self.seats: Counter[str] = Counter()  # seats (streams) given out, by post
        self.to_cut: Counter[str] = Counter()  # positions cut whose holders are still away
        self.programmes: dict[str, tuple[Training, float]] = {}  # started or due: day it starts
        self._enrolments: dict[str, list[Entry]] = {}  # trainees' days off, by programme
        self._rosters: dict[str, Entry] = {}  # each rostered post's next change
        self.payroll: Counter[str] = Counter()  # salaries paid since day 0, by post
        self.strain: dict[str, float] = {}  # motivation each post's pressure takes, smoothed
        self._warmup_marks: dict[str, tuple[int, float]] = {}  # jobs and payroll by post then
        self.work: Workplace | None = None  # set by ``hire_all``

    # --- the first staff --------------------------------------------------------------------
    def hire_all(self, work: Workplace, traits: np.random.Generator) -> None:
        """The first holders of every post; their traits come from ``traits`` (staffing)."""
        self.work, p, on_duty = work, self.params, self.timetables.on_duty
        positions, before = self.timetables.positions(p), self.wf.positions_before
        roles = {  # role -> how to hire one, yearly salary
            "sales": (self._salesperson, p.sales.salary_per_year),
            "delivery": (self._team, p.delivery.salary_per_year),
            "frontline": (self._agent, p.frontline.salary_per_year),
            "supervisors": (self._supervisor, p.supervisors.salary_per_year),
            "specialists": (self._specialist, p.specialists.salary_per_year),
        }
        for name in POSTS:
            role = "frontline" if name in FRONTLINE_CHANNELS else name
            hire, salary = roles[role]
            count = getattr(positions, name)
            in_post = count if before is None else min(count, getattr(before, name))
            staff = [
                hire(traits, self._seat(name, number), self.usual) for number in range(in_post)
            ]
            for member in staff:
                self._join(name, member)
            rostered = name in on_duty
            places = p.channels.chat.concurrency if name == "chat" else 1  # chats at once
            post = Post(
                name, role, ServerPool(staff, self.calendar.clock, places), hire, salary,
                ALWAYS if rostered else self.timetables.working,
                on_duty[name] if rostered else None,
                self._people_per_position(on_duty[name]) if rostered else 1.0,
            )  # fmt: skip
            for member in staff:
                post.place(member)
            self.posts.append(post)
            self.seats[name] = count
            for number in range(in_post, count):  # positions this scenario adds: recruited
                self._advertise(post, self._seat(name, number))

    def _advertise(self, post: Post, seat: np.random.Generator) -> None:
        """An open position, filled after the hiring delay (drawn from the post's stream)."""
        vacancy = Vacancy(post, seat)
        self.vacancies[vacancy] = None
        delay = seat.exponential(self.wf.hiring_delay_days)
        self.calendar.after(delay, lambda: self.fill(vacancy))

    def _people_per_position(self, roster: Timetable) -> float:
        """Full-time people a rostered position needs: its hours, grossed up for shrinkage."""
        wf, positions = self.wf, roster_positions(roster)
        if not positions:
            return 1.0
        people = full_time_equivalents(
            roster.week_total * HOURS_PER_DAY, wf.shrinkage, wf.contract_hours_per_week
        )
        return people / positions

    def start_rosters(self) -> None:
        """Put each rostered post's people on and off duty as its roster says."""
        for post in self.posts:
            if post.on_duty is not None and not post.on_duty.flat:
                self._follow_roster(post)

    def _follow_roster(self, post: Post) -> None:
        now = self.calendar.now
        post.pool.set_on_duty(post.on_duty.value_at(now))
        self._rosters[post.name] = self.calendar.at(
            post.on_duty.next_change(now), lambda: self._follow_roster(post), Priority.HIGH
        )

    def pool(self, name: str) -> ServerPool:
        """The pool of post ``name``."""
        return next(post.pool for post in self.posts if post.name == name)

    def _seat(self, name: str, number: int) -> np.random.Generator:
        """Random stream of one post: later hires' traits, recognition, leaving, hiring delay."""
        return named_stream(self.params.seed, "workforce", POSTS.index(name), number)

    # Traits come from ``traits`` (the staffing stream for day-0 staff, the post's stream for
    # later hires); recognition, leaving and hiring delays from the post's stream ``seat``.
    def _salesperson(
        self, traits: np.random.Generator, seat: np.random.Generator, profile: HiringProfile
    ) -> Salesperson:
        sales = self.params.sales
        mean = sales.listening_skill_mean + profile.skill_offset
        skill = _drawn(traits, mean, sales.listening_skill_sd)
        return self._seated(seat, profile, Salesperson(self.model, self.work, skill))

    def _team(
        self, _traits: np.random.Generator, seat: np.random.Generator, profile: HiringProfile
    ) -> DeliveryTeam:
        skill = clip_share(self.params.delivery.execution_skill + profile.skill_offset)
        return self._seated(seat, profile, DeliveryTeam(self.model, self.work, skill))

    def _agent(
        self, traits: np.random.Generator, seat: np.random.Generator, profile: HiringProfile
    ) -> ServiceAgent:
        f = self.params.frontline
        skill = _drawn(traits, f.skill_mean + profile.skill_offset, f.skill_sd)
        empathy = self._empathy(traits, profile)
        return self._seated(seat, profile, ServiceAgent(self.model, self.work, skill, empathy))

    def _supervisor(
        self, traits: np.random.Generator, seat: np.random.Generator, profile: HiringProfile
    ) -> Supervisor:
        # Supervisors came up from the frontline: their empathy is drawn the same way.
        spec = self.params.supervisors
        competency = _drawn(traits, spec.competency + profile.skill_offset, spec.competency_sd)
        empathy = self._empathy(traits, profile)
        return self._seated(seat, profile, Supervisor(self.model, self.work, competency, empathy))

    def _specialist(
        self, traits: np.random.Generator, seat: np.random.Generator, profile: HiringProfile
    ) -> Specialist:
        skill = clip_share(self.params.specialists.skill + profile.skill_offset)
        empathy = self._empathy(traits, profile)
        return self._seated(seat, profile, Specialist(self.model, self.work, skill, empathy))

    def _empathy(self, traits: np.random.Generator, profile: HiringProfile) -> float:
        mean = self.params.frontline.empathy_mean + profile.empathy_offset
        return _drawn(traits, mean, EMPATHY_SD)

    def _seated[Member: StaffAgent](
        self, seat: np.random.Generator, profile: HiringProfile, member: Member
    ) -> Member:
        wf = self.wf
        member.seat, member.hired_as = seat, profile
        member.recognised = bool(seat.random() < wf.recognition)
        member.own_motivation = standing(
            wf.pay_vs_market * profile.salary_multiplier,
            self.params.motivation.pay_weight,
            member.recognised,
            recognition_lift(wf.recognition_effect),
        )
        return member

    def staff_spec(self) -> StaffSpec:
        """The learning curve every member of staff shares (each at their profile's speed)."""
        return StaffSpec(self.wf.learning_per_job, self.wf.skill_ceiling)

    # --- who is here ----------------------------------------------------------------------
    @property
    def roles(self) -> list[str]:
        """The staff roles, in the order of the posts."""
        return list(dict.fromkeys(post.role for post in self.posts))

    def members(self, role: str) -> list[StaffAgent]:
        """Staff of ``role`` serving now (not onboarding, not in training)."""
        return [m for post in self.posts if post.role == role for m in post.pool.servers]

    def headcount(self, role: str) -> int:
        """Positions of ``role`` held: serving, onboarding, in training or back from it."""
        return sum(self.held[post.name] for post in self.posts if post.role == role)

    def full_time_equivalents(self, role: str) -> float:
        """People of ``role`` on the payroll, in full-time equivalents (FTE)."""
        return sum(self.held[post.name] * post.people for post in self.posts if post.role == role)

    def working_days(self, role: str, until: float) -> float:
        """Days on duty of the staff of ``role`` serving now, from day 0 to ``until``.

        On duty: as a rostered position's roster says, or in the post's working hours.
        """
        total = 0.0
        for post in (p for p in self.posts if p.role == role):
            if post.on_duty is None:
                per_member = post.hours.integral(0.0, until)
            else:
                positions = roster_positions(post.on_duty)
                per_member = post.on_duty.integral(0.0, until) / positions if positions else 0.0
            total += post.pool.size * per_member
        return total

    def _join(self, post: str, member: StaffAgent) -> None:
        """``member`` takes a position of ``post``: on the payroll from now."""
        self.held[post] += 1
        self.salary_weight[post] += member.hired_as.salary_multiplier

    def _leave(self, post: str, member: StaffAgent) -> None:
        """``member`` gives up their position of ``post``: off the payroll from now."""
        self.held[post] -= 1
        self.salary_weight[post] -= member.hired_as.salary_multiplier

    def vacancies_of(self, role: str) -> int:
        """Open posts of ``role`` (not yet filled by a hire)."""
        return sum(v.post.role == role and v.member is None for v in self.vacancies)

    def open_vacancies(self) -> int:
        """Open posts of every role."""
        return sum(v.member is None for v in self.vacancies)

    # --- the day --------------------------------------------------------------------------
    def pay(self) -> None:
        """A day's salaries (everyone on the payroll), personal recognition, celebrations."""
        now = self.calendar.now
        for post in self.posts:  # each held position at its holder's pay
            salaries = (
                self.salary_weight[post.name]
                * post.people
                * post.salary_per_year
                * self.wf.pay_vs_market
            )
            self.ledger.spend(f"salaries_{post.role}", salaries / DAYS_PER_YEAR, now)
            self.payroll[post.name] += salaries / DAYS_PER_YEAR
        recognised = self.wf.recognition and sum(
            sum(map(_recognised, post.pool.servers)) * post.people for post in self.posts
        )
        if recognised:
            self.ledger.spend(
                "recognition", recognised * self.wf.recognition_cost_per_person / DAYS_PER_YEAR, now
            )
        motivation = self.params.motivation
        if motivation.celebrate_successes:  # the team's time, everyone on the payroll
            people = sum(self.held[post.name] * post.people for post in self.posts)
            cost = people * motivation.celebration_cost_per_person / DAYS_PER_YEAR
            self.ledger.spend("recognition", cost, now)

    def end_warmup(self) -> None:
        """Payroll per job counts from now on."""
        self._warmup_marks = {
            post.name: (post.pool.started, self.payroll[post.name]) for post in self.posts
        }

    def payroll_per_job(self) -> dict[str, float]:
        """Salaries over jobs started since the warm-up, by post (0 where none was started).

        A frontline channel's job is a contact answered, a specialist's or a supervisor's a
        case taken (a supervisor's coaching sessions too).
        """
        result = {}
        for post in self.posts:
            jobs, paid = self._warmup_marks.get(post.name, (0, 0.0))
            jobs = post.pool.started - jobs
            result[post.name] = (self.payroll[post.name] - paid) / jobs if jobs else 0.0
        return result

    def end_day(self) -> None:
        """Every post's pool measures the day's work pressure, which its team's strain follows."""
        wf, adjustment = self.wf, self.params.motivation.adjustment_days
        for post in self.posts:
            target = strain(post.pool.end_day(), wf.pressure_turnover)
            self.strain[post.name] = settle(
                self.strain.get(post.name, 0.0), target, 1.0, adjustment
            )

    def turnover(self) -> None:
        """Each member of staff may leave today, the likelier the lower their motivation.

        Without a base leaving rate nobody leaves, and the posts' streams are not drawn (what
        they would give is never used).
        """
        wf = self.wf
        if wf.turnover_per_year <= 0:
            return
        for post in self.posts:
            for member in list(post.pool.servers):
                base_per_year = wf.turnover_per_year * member.hired_as.turnover_multiplier
                p_leave = leaving_probability(base_per_year, member.motivation(), 1.0)
                if member.seat.random() < p_leave:
                    member.resign()
                    self._leave(post.name, member)
                    self.counters[f"leavers_{post.role}"] += 1
                    if self.to_cut[post.name]:  # a position cut while its holder was away
                        self.to_cut[post.name] -= 1
                    else:
                        self._advertise(post, member.seat)

    def fade_skills(self) -> None:
        """A day without refreshment: every member of staff's skill fades a little."""
        wf = self.wf
        if wf.skill_decay_per_year <= 0:
            return
        for post in self.posts:
            for member in post.pool.servers:
                member.skill = decay_skill(
                    member.skill, wf.skill_floor, wf.skill_decay_per_year, 1.0
                )

    # --- decisions ---------------------------------------------------------------------------
    def adopt(self, params: Scenario, timetables: Timetables) -> None:
        """A decision taken now: its hiring policy, positions, rosters and programmes hold."""
        before, now = self.timetables.positions(self.params), self.calendar.now
        self.params, self.wf, self.timetables = params, params.workforce, timetables
        self.profile = getattr(params.workforce.profiles, params.workforce.hiring_policy)
        after = timetables.positions(params)
        for post in self.posts:
            self._reroster(post)
            change = getattr(after, post.name) - getattr(before, post.name)
            for _ in range(change):
                self._advertise(post, self._seat(post.name, self.seats[post.name]))
                self.seats[post.name] += 1
            if change < 0:
                self._cut(post, -change)
        decided = {programme.name: programme for programme in params.training}
        for name in [n for n in self.programmes if n not in decided]:
            for entry in self._enrolments.pop(name):  # those not yet away stay on the floor
                self.calendar.cancel(entry)
            if self.programmes[name][1] > now:
                del self.programmes[name]  # called off before it began
        for name, programme in decided.items():
            if name not in self.programmes:
                self._enrol(programme, max(programme.start_day, now))

    def _reroster(self, post: Post) -> None:
        """From now on the post follows the decided roster (and is paid for its hours)."""
        roster = self.timetables.on_duty.get(post.name)
        if post.on_duty is None or roster == post.on_duty:
            return
        post.on_duty, post.people = roster, self._people_per_position(roster)
        entry = self._rosters.pop(post.name, None)
        if entry is not None:
            self.calendar.cancel(entry)
        if roster.flat:
            post.pool.set_on_duty(roster.value_at(self.calendar.now))
        else:
            self._follow_roster(post)

    def _cut(self, post: Post, positions: int) -> None:
        """Cut positions: open vacancies, then onboarding hires, then the latest hires serving.

        Anyone cut who was hired is paid ``redundancy_pay_weeks`` of their salary; positions
        whose holders are all away (in training) are cut when one of them leaves.
        """
        vacancies = [v for v in reversed(self.vacancies) if v.post is post]
        vacancies.sort(key=lambda v: v.member is not None)  # open ones first
        serving = sorted(post.pool.servers, key=lambda m: m.unique_id, reverse=True)
        for vacancy in vacancies[:positions]:
            del self.vacancies[vacancy]
            if vacancy.member is not None:
                self._redundant(post, vacancy.member)
                vacancy.member.remove()
        for member in serving[: max(0, positions - len(vacancies))]:
            self._redundant(post, member)
            member.resign()
        self.to_cut[post.name] += max(0, positions - len(vacancies) - len(serving))

    def _redundant(self, post: Post, member: StaffAgent) -> None:
        """``member`` leaves a cut position, paid their notice and severance."""
        self._leave(post.name, member)
        pay = (
            self.wf.redundancy_pay_weeks / 52.0 * post.salary_per_year * self.wf.pay_vs_market
            * member.hired_as.salary_multiplier * post.people
        )  # fmt: skip
        self.ledger.spend(f"salaries_{post.role}", pay, self.calendar.now)
        self.payroll[post.name] += pay
        self.counters[f"redundancies_{post.role}"] += 1

    # --- hiring -----------------------------------------------------------------------------
    def fill(self, vacancy: Vacancy) -> None:
        """A hire is made (unless a hiring freeze holds): paid from today, serving later."""
        if vacancy not in self.vacancies:  # the position was cut
            return
        freeze_end = self.shocks.freeze_end(self.calendar.now)
        if freeze_end is not None:
            if freeze_end < float("inf"):
                self.calendar.at(freeze_end, lambda: self.fill(vacancy))
            return
        post = vacancy.post
        member = vacancy.member = post.hire(vacancy.seat, vacancy.seat, self.profile)
        post.place(member)
        self._join(post.name, member)
        profile = member.hired_as
        self.ledger.spend(  # the people behind the position are recruited
            "hiring",
            self.wf.cost_per_hire * profile.hire_cost_multiplier * post.people,
            self.calendar.now,
        )
        self.counters[f"hires_{post.role}"] += 1
        onboarding = self.wf.onboarding_days * profile.onboarding_multiplier
        self.calendar.after(onboarding, lambda: self.start(vacancy))

    def start(self, vacancy: Vacancy) -> None:
        """The new hire finished onboarding and starts serving."""
        if vacancy not in self.vacancies:  # the position was cut during onboarding
            return
        del self.vacancies[vacancy]
        vacancy.post.pool.add_server(vacancy.member)

    # --- training and coaching ------------------------------------------------------------
    def schedule_training(self) -> None:
        """Enrol each programme's trainees (the scenario's programmes, at their start days)."""
        for programme in self.params.training:
            self._enrol(programme, programme.start_day)

    def _enrol(self, programme: Training, start: float) -> None:
        """Trainees go off the floor one after another from ``start``: it is never empty."""
        self.programmes[programme.name] = (programme, start)
        self._enrolments[programme.name] = [
            self.calendar.at(
                start + i * programme.days_off_floor,
                lambda m=member, p=programme: m.start_training(p),
            )
            for i, member in enumerate(self.members(programme.role))
        ]

    def trainees_waiting(self, name: str) -> int:
        """Members of staff programme ``name`` will still send off the floor."""
        return sum(map(self.calendar.still_to_run, self._enrolments.get(name, ())))

    def handoff_factor(self) -> float:
        """Handoff error left after unified trainings, their effect fading like skills."""
        factor, now = 1.0, self.calendar.now
        for programme, start in self.programmes.values():
            if programme.unified and start <= now:
                gain = training_fade(
                    programme.handoff_gain, self.wf.skill_decay_per_year, now - start
                )
                factor *= 1.0 - gain
        return factor

    def coach(self) -> None:
        """A supervisor offers a coaching session, unless escalations are waiting."""
        agents = self.members("frontline")
        supervisors = self.pool("supervisors")
        if supervisors.queue_length or not agents or not supervisors.on_duty:
            self.counters["coaching_skipped"] += 1
            return
        agent = agents[int(self.work.streams.workforce.integers(len(agents)))]
        self.counters["coaching_sessions"] += 1
        supervisors.submit(Coaching(agent))


def _drawn(rng: np.random.Generator, mean: float, sd: float) -> float:
    """A trait drawn around ``mean``, clipped to a share."""
    return clip_share(float(rng.normal(mean, sd)))


def _recognised(member: StaffAgent) -> bool:
    return member.recognised
