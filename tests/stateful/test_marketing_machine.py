"""A state machine drives coupons and campaigns on a real backend and checks every step
against a small model: use counts under the limits, and the campaign transition table."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)
from tests.backends import Backend

from commerce_core import Actor, Commerce, InvalidTransition
from commerce_core.kernel import Money
from commerce_core.marketing import (
    TRANSITIONS,
    CampaignStatus,
    CouponLimitReached,
    CouponStatus,
    CouponTemplate,
    CouponUnavailable,
    CreateCampaign,
    CreateCouponTemplate,
    EndCampaign,
    GiveBackCoupon,
    IssueCoupons,
    PauseCampaign,
    ResumeCampaign,
    ScheduleCampaign,
    StartCampaign,
    UseCoupon,
)
from commerce_core.pricing import Coupon, ReductionTier, TieredReduction
from commerce_core.testing import FrozenClock, SequentialIds

STAFF = Actor.staff("machine")
T0 = datetime(2026, 6, 1, tzinfo=UTC)
CUSTOMERS = st.sampled_from(["ann", "bob", "cat"])
ORDERS = st.sampled_from(["o1", "o2", "o3", "o4"])
EXAMPLES = {"memory": 40, "sqlite": 15, "postgresql": 10, "mariadb": 10}
S = CampaignStatus
#: What each campaign command asks for, and the status it moves to.
MOVES = {
    "schedule": (ScheduleCampaign, S.SCHEDULED),
    "start": (StartCampaign, S.ACTIVE),
    "pause": (PauseCampaign, S.PAUSED),
    "resume": (ResumeCampaign, S.ACTIVE),
    "end": (EndCampaign, S.ENDED),
}


def make_machine(backend: Backend) -> type[RuleBasedStateMachine]:
    class MarketingMachine(RuleBasedStateMachine):
        coupons = Bundle("coupons")

        def __init__(self) -> None:
            super().__init__()
            self.shop = Commerce(backend.storage(), clock=FrozenClock(T0), ids=SequentialIds("m"))
            self.owner: dict[str, str] = {}
            self.locked: dict[str, str] = {}  # coupon → order
            self.campaign_status = S.DRAFT

        @initialize(total=st.integers(1, 4), per_customer=st.none() | st.integers(1, 2))
        def setup(self, total: int, per_customer: int | None) -> None:
            self.total, self.per_customer = total, per_customer
            rule = Coupon(id="t", amount_off=Money.of("5"))
            template = CouponTemplate(rule, total_limit=total, per_customer_limit=per_customer)
            self.shop.execute(CreateCouponTemplate(template=template), actor=STAFF)
            mj = TieredReduction(id="mj", tiers=(ReductionTier(Money.of("100"), Money.of("10")),))
            self.campaign = self.shop.execute(
                CreateCampaign(name="c", rules=(mj,), starts_at=T0), actor=STAFF
            )

        def teardown(self) -> None:
            self.shop.close()

        @rule(target=coupons, customer=CUSTOMERS)
        def issue(self, customer: str) -> str:
            (coupon,) = self.shop.execute(
                IssueCoupons(template="t", customers=(customer,)), actor=STAFF
            )
            self.owner[coupon] = customer
            return str(coupon)

        @rule(coupon=coupons, order=ORDERS)
        def use(self, coupon: str, order: str) -> None:
            customer = self.owner[coupon]
            mine = sum(1 for c in self.locked if self.owner[c] == customer)
            if self.locked.get(coupon) == order:
                expected: type[Exception] | None = None  # the same order again: no change
            elif coupon in self.locked:
                expected = CouponUnavailable
            elif len(self.locked) >= self.total or mine >= (self.per_customer or self.total):
                expected = CouponLimitReached
            else:
                expected = None
            command = UseCoupon(coupon=coupon, customer=customer, order=order)
            if expected is None:
                self.shop.execute(command, actor=STAFF)
                self.locked[coupon] = order
            else:
                try:
                    self.shop.execute(command, actor=STAFF)
                except expected:
                    pass
                else:
                    raise AssertionError(f"expected {expected.__name__}")

        @rule(coupon=coupons, order=ORDERS)
        def give_back(self, coupon: str, order: str) -> None:
            command = GiveBackCoupon(coupon=coupon, order=order)
            if coupon in self.locked and self.locked[coupon] != order:
                try:
                    self.shop.execute(command, actor=STAFF)
                except CouponUnavailable:
                    return
                raise AssertionError("gave back another order's use")
            self.shop.execute(command, actor=STAFF)
            self.locked.pop(coupon, None)

        @rule(move=st.sampled_from(sorted(MOVES)))
        def move_campaign(self, move: str) -> None:
            command_type, target = MOVES[move]
            current = self.campaign_status
            allowed = target in TRANSITIONS[current]
            if move == "resume":
                allowed = current is S.PAUSED
            quiet = (move == "start" and current is not S.SCHEDULED) or (
                move == "end" and current is S.ENDED
            )
            try:
                self.shop.execute(command_type(campaign=self.campaign), actor=STAFF)
            except InvalidTransition:
                assert not allowed
                assert not quiet
                return
            assert allowed or quiet, (move, current)
            if not quiet:
                self.campaign_status = target

        @invariant()
        def counts_match(self) -> None:
            if not hasattr(self, "total"):
                return
            usage = self.shop.marketing.usage("t")
            assert (usage.issued, usage.used) == (len(self.owner), len(self.locked))
            for customer in ("ann", "bob", "cat"):
                for c in self.shop.marketing.coupons_of(customer):
                    assert c.status is (
                        CouponStatus.LOCKED if c.id in self.locked else CouponStatus.AVAILABLE
                    )
                    assert c.order == self.locked.get(c.id)

        @invariant()
        def campaign_matches(self) -> None:
            if not hasattr(self, "campaign"):
                return
            assert self.shop.marketing.campaign(self.campaign).status is self.campaign_status
            live = self.shop.marketing.active_rules(T0 + timedelta(hours=1)).rules
            assert [r.id for r in live] == (["mj"] if self.campaign_status is S.ACTIVE else [])

    return MarketingMachine


def test_marketing_commands_follow_the_model(backend: Backend) -> None:
    machine = make_machine(backend)
    run_state_machine_as_test(
        machine,
        settings=settings(max_examples=EXAMPLES[backend.name], stateful_step_count=20),
    )
