package io.l4lb.dataplane.vrrp;

import static io.l4lb.dataplane.vrrp.VrrpStateMachine.BECOME_BACKUP;
import static io.l4lb.dataplane.vrrp.VrrpStateMachine.BECOME_MASTER;
import static io.l4lb.dataplane.vrrp.VrrpStateMachine.SEND_ADVERT;
import static io.l4lb.dataplane.vrrp.VrrpStateMachine.SEND_GARP;
import static io.l4lb.dataplane.vrrp.VrrpStateMachine.SEND_PRIORITY_ZERO;
import static io.l4lb.dataplane.vrrp.VrrpStateMachine.STOP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.l4lb.core.time.FakeClock;
import io.l4lb.dataplane.nativeio.Ipv4;
import io.l4lb.dataplane.vrrp.VrrpStateMachine.Event;
import io.l4lb.dataplane.vrrp.VrrpStateMachine.Rule;
import io.l4lb.dataplane.vrrp.VrrpStateMachine.State;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** RFC 5798 §6.4 on a fake clock: every rule of the table, timers to the nanosecond. */
class VrrpStateMachineTest {
    static final int LOCAL = Ipv4.parse("10.0.0.5");
    static final int LOWER = Ipv4.parse("10.0.0.2");
    static final int HIGHER = Ipv4.parse("10.0.0.9");
    final FakeClock clock = new FakeClock();
    final Set<Rule> seen = new HashSet<>();

    VrrpStateMachine machine(int priority, boolean preempt, long preemptDelayMs) {
        return new VrrpStateMachine(priority, 100, preempt, preemptDelayMs * 1_000_000L, LOCAL);
    }

    Rule event(VrrpStateMachine m, Event e) {
        Rule r = m.onEvent(e, clock.nanoTime());
        seen.add(r);
        return r;
    }

    Rule advert(VrrpStateMachine m, int prio, int src, int cs) {
        Rule r = m.onAdvert(prio, src, cs, clock.nanoTime());
        seen.add(r);
        return r;
    }

    /** Advances to just before and then to {@code nanos} after now; the timer must fire exactly then. */
    Rule expectTimerAfter(VrrpStateMachine m, long nanos) {
        clock.advance(java.time.Duration.ofNanos(nanos - 1));
        assertNull(m.onTimers(clock.nanoTime()), "timer fired early");
        clock.advance(java.time.Duration.ofNanos(1));
        Rule r = m.onTimers(clock.nanoTime());
        seen.add(r);
        return r;
    }

    static long ms(double ms) {
        return (long) (ms * 1_000_000L);
    }

    @Test
    void startupWithoutOwnershipGoesBackupThenMasterAfterMasterDownInterval() {
        VrrpStateMachine m = machine(100, true, 0);
        Rule r = event(m, Event.STARTUP);
        assertEquals(State.BACKUP, m.state());
        assertEquals(BECOME_BACKUP, r.actions());
        // Master_Down_Interval = 3 x 1 s + (256 - 100) x 1 s / 256 = 3.609375 s
        assertEquals(ms(609.375), m.skewTimeNanos());
        r = expectTimerAfter(m, ms(3609.375));
        assertEquals(State.MASTER, m.state());
        assertEquals(SEND_ADVERT | SEND_GARP | BECOME_MASTER, r.actions());
        assertTrue(r.section().contains("§6.4.2"));
        r = expectTimerAfter(m, ms(1000));
        assertEquals(Event.ADVER_TIMER, r.event());
        assertEquals(SEND_ADVERT, r.actions());
        assertEquals(State.MASTER, m.state());
    }

    @Test
    void addressOwnerGoesMasterAtOnce() {
        VrrpStateMachine m = machine(255, true, 0);
        Rule r = event(m, Event.STARTUP);
        assertEquals(State.MASTER, m.state());
        assertEquals(SEND_ADVERT | SEND_GARP | BECOME_MASTER, r.actions());
        assertTrue(r.section().contains("§6.4.1"));
        assertEquals(SEND_ADVERT, expectTimerAfter(m, ms(1000)).actions());
    }

    @Test
    void shutdownFromBackupAndFromMaster() {
        VrrpStateMachine b = machine(100, true, 0);
        event(b, Event.STARTUP);
        Rule r = event(b, Event.SHUTDOWN);
        assertEquals(State.INITIALIZE, b.state());
        assertEquals(STOP, r.actions());
        assertEquals(Long.MAX_VALUE, b.nextDeadline(clock.nanoTime()));

        VrrpStateMachine m = machine(255, true, 0);
        event(m, Event.STARTUP);
        r = event(m, Event.SHUTDOWN);
        assertEquals(State.INITIALIZE, m.state());
        assertEquals(SEND_PRIORITY_ZERO | STOP, r.actions());
        assertTrue(r.section().contains("priority 0"));
    }

    @Test
    void priorityZeroMakesTheBackupTakeOverAfterSkewTime() {
        VrrpStateMachine m = machine(200, true, 0);
        event(m, Event.STARTUP);
        advert(m, 250, HIGHER, 100);
        Rule r = advert(m, 0, HIGHER, 100);
        assertEquals(State.BACKUP, m.state());
        assertTrue(r.section().contains("Skew_Time"));
        // Skew_Time = (256 - 200) x 1 s / 256 = 218.75 ms
        r = expectTimerAfter(m, ms(218.75));
        assertEquals(State.MASTER, m.state());
        assertEquals(SEND_ADVERT | SEND_GARP | BECOME_MASTER, r.actions());
    }

    @Test
    void backupAcceptingAdvertsNeverTakesOver() {
        VrrpStateMachine m = machine(100, true, 0);
        event(m, Event.STARTUP);
        for (int i = 0; i < 100; i++) {
            clock.advanceMillis(1000);
            assertNull(m.onTimers(clock.nanoTime()));
            advert(m, 150, HIGHER, 100);
        }
        assertEquals(State.BACKUP, m.state());
        // After the last advert the full Master_Down_Interval must pass.
        expectTimerAfter(m, ms(3609.375));
        assertEquals(State.MASTER, m.state());
    }

    @Test
    void preemptionOnDiscardsLowerPriorityMaster() {
        VrrpStateMachine m = machine(150, true, 0);
        event(m, Event.STARTUP);
        long mdi = m.masterDownIntervalNanos();
        clock.advance(java.time.Duration.ofNanos(mdi / 2));
        Rule r = advert(m, 100, HIGHER, 100);
        assertEquals(0, r.actions());
        assertTrue(r.section().contains("discard"));
        // The timer was not reset by the lower-priority advert: it fires mdi after startup.
        r = expectTimerAfter(m, mdi - mdi / 2);
        assertEquals(State.MASTER, m.state());
        // The old master then hears us and yields; we keep ignoring its lower adverts: LOCAL_WINS.
        r = advert(m, 100, HIGHER, 100);
        assertEquals(State.MASTER, m.state());
        assertEquals(SEND_ADVERT | SEND_GARP, r.actions());
    }

    @Test
    void preemptionOffKeepsTheLowerPriorityMaster() {
        VrrpStateMachine m = machine(150, false, 0);
        event(m, Event.STARTUP);
        for (int i = 0; i < 20; i++) {
            clock.advanceMillis(1000);
            Rule r = advert(m, 100, LOWER, 100);
            assertEquals(VrrpStateMachine.Guard.BACKUP_ACCEPTS, r.guard());
            assertNull(m.onTimers(clock.nanoTime()));
        }
        assertEquals(State.BACKUP, m.state());
    }

    @Test
    void preemptDelayHoldsPreemptionThenAllowsIt() {
        VrrpStateMachine m = machine(150, true, 5000);
        event(m, Event.STARTUP);
        for (int i = 0; i < 5; i++) {
            clock.advanceMillis(999);
            Rule r = advert(m, 100, LOWER, 100);
            assertEquals(VrrpStateMachine.Guard.PREEMPT_DELAYED, r.guard());
        }
        clock.advanceMillis(10);
        Rule r = advert(m, 100, LOWER, 100);
        assertEquals(VrrpStateMachine.Guard.BACKUP_PREEMPTS, r.guard());
        assertEquals(State.BACKUP, m.state());
        // Last accepted advert was 10 ms ago: the timer fires Master_Down_Interval after it.
        expectTimerAfter(m, m.masterDownIntervalNanos() - ms(10));
        assertEquals(State.MASTER, m.state());
    }

    @Test
    void masterYieldsToHigherPriorityAndLearnsItsInterval() {
        VrrpStateMachine m = machine(255, true, 0);
        event(m, Event.STARTUP);
        m.setPriority(100);
        Rule r = advert(m, 200, LOWER, 50);
        assertEquals(State.BACKUP, m.state());
        assertEquals(SEND_ADVERT | BECOME_BACKUP, r.actions());
        assertEquals(50, m.masterAdverIntervalCs());
        // Master_Down_Interval = 3 x 0.5 s + (156 x 0.5 s) / 256 = 1.8046875 s
        assertEquals(ms(1804.6875), m.masterDownIntervalNanos());
        expectTimerAfter(m, ms(1804.6875));
        assertEquals(State.MASTER, m.state());
        assertEquals(100, m.advertisementIntervalCs(), "our own interval is unchanged as master");
    }

    @Test
    void backupLearnsTheMasterInterval() {
        VrrpStateMachine m = machine(100, true, 0);
        event(m, Event.STARTUP);
        advert(m, 200, HIGHER, 10);
        assertEquals(10, m.masterAdverIntervalCs());
        assertEquals(ms(300) + ms(60.9375), m.masterDownIntervalNanos());
        expectTimerAfter(m, ms(360.9375));
        assertEquals(State.MASTER, m.state());
    }

    @Test
    void equalPrioritiesHigherPrimaryAddressWins() {
        VrrpStateMachine m = machine(255, true, 0);
        event(m, Event.STARTUP);
        m.setPriority(100);
        Rule r = advert(m, 100, LOWER, 100);
        assertEquals(VrrpStateMachine.Guard.LOCAL_WINS, r.guard());
        assertEquals(State.MASTER, m.state());
        r = advert(m, 100, HIGHER, 100);
        assertEquals(VrrpStateMachine.Guard.REMOTE_WINS, r.guard());
        assertEquals(State.BACKUP, m.state());
        // As backup with preemption, an equal priority is ">= local": accepted, no preemption.
        r = advert(m, 100, HIGHER, 100);
        assertEquals(VrrpStateMachine.Guard.BACKUP_ACCEPTS, r.guard());
    }

    @Test
    void masterAnswersPriorityZeroWithAnAdvert() {
        VrrpStateMachine m = machine(255, true, 0);
        event(m, Event.STARTUP);
        clock.advanceMillis(300);
        Rule r = advert(m, 0, LOWER, 100);
        assertEquals(SEND_ADVERT, r.actions());
        assertEquals(State.MASTER, m.state());
        expectTimerAfter(m, ms(1000));
    }

    @Test
    void impossibleEventsAreIgnored() {
        VrrpStateMachine m = machine(100, true, 0);
        assertSame(VrrpStateMachine.IGNORED, m.onAdvert(200, HIGHER, 100, clock.nanoTime()));
        assertSame(VrrpStateMachine.IGNORED, m.onEvent(Event.SHUTDOWN, clock.nanoTime()));
        assertEquals(State.INITIALIZE, m.state());
        event(m, Event.STARTUP);
        assertSame(VrrpStateMachine.IGNORED, m.onEvent(Event.STARTUP, clock.nanoTime()));
        assertSame(VrrpStateMachine.IGNORED, m.onEvent(Event.ADVER_TIMER, clock.nanoTime()));
    }

    @Test
    void everyRuleOfTheTableIsReachable() {
        startupWithoutOwnershipGoesBackupThenMasterAfterMasterDownInterval();
        addressOwnerGoesMasterAtOnce();
        shutdownFromBackupAndFromMaster();
        priorityZeroMakesTheBackupTakeOverAfterSkewTime();
        backupAcceptingAdvertsNeverTakesOver();
        preemptionOnDiscardsLowerPriorityMaster();
        preemptDelayHoldsPreemptionThenAllowsIt();
        masterYieldsToHigherPriorityAndLearnsItsInterval();
        equalPrioritiesHigherPrimaryAddressWins();
        masterAnswersPriorityZeroWithAnAdvert();
        Set<Rule> missing = new HashSet<>(VrrpStateMachine.TABLE);
        missing.removeAll(seen);
        assertEquals(Set.of(), missing);
        for (Rule r : VrrpStateMachine.TABLE) {
            assertTrue(r.section().contains("RFC 5798 §6.4") || r.section().contains("beyond RFC 5798 §6.4"), r::toString);
        }
    }
}
