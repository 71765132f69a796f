package io.l4lb.dataplane.vrrp;

import java.util.List;

/**
 * The VRRP router state machine of RFC 5798 §6.4 (Initialize, Backup, Master) as an explicit
 * table: {@link #TABLE} lists every transition with its guard, actions, timer effects and the
 * paragraph of the RFC it implements; {@link #onEvent} picks the first matching rule, applies its
 * timer effects and returns it. Pure: no I/O, time passed in, timers are deadlines the caller
 * polls with {@link #onTimers}. Not thread-safe: one VRRP thread owns it. Allocation-free.
 *
 * <p>Timers (§6.1, §6.2): Skew_Time = ((256 - Priority) x Master_Adver_Interval) / 256,
 * Master_Down_Interval = 3 x Master_Adver_Interval + Skew_Time, computed in nanoseconds from the
 * centisecond intervals. Master_Adver_Interval is learnt from the master's adverts.
 */
public final class VrrpStateMachine {
    public enum State { INITIALIZE, BACKUP, MASTER }

    public enum Event { STARTUP, SHUTDOWN, MASTER_DOWN_TIMER, ADVER_TIMER, ADVERT }

    /** Actions the caller performs after a transition (bit set). */
    public static final int SEND_ADVERT = 1;
    public static final int SEND_PRIORITY_ZERO = 1 << 1;
    public static final int SEND_GARP = 1 << 2;
    /** Add the VIPs, start serving, notify MASTER. */
    public static final int BECOME_MASTER = 1 << 3;
    /** Remove the VIPs, stop serving, notify BACKUP. */
    public static final int BECOME_BACKUP = 1 << 4;
    /** Remove the VIPs, notify STOP. */
    public static final int STOP = 1 << 5;

    /** Timer effects applied by the machine itself (bit set). */
    static final int T_ADVER = 1;
    static final int T_MASTER_DOWN = 1 << 1;
    static final int T_SKEW = 1 << 2;
    static final int T_LEARN_INTERVAL = 1 << 3;
    static final int T_RESET_INTERVAL = 1 << 4;
    static final int T_CANCEL_ADVER = 1 << 5;
    static final int T_CANCEL_MASTER_DOWN = 1 << 6;

    /** Conditions on the local configuration and the received advert. */
    public enum Guard {
        ALWAYS, OWNER, NOT_OWNER, ADVERT_PRIORITY_ZERO,
        /** Backup: preemption off, or the advert's priority is at least ours. */
        BACKUP_ACCEPTS,
        /** Backup: lower-priority master while preemption is still held back by preempt-delay. */
        PREEMPT_DELAYED,
        /** Backup: lower-priority master and preemption allowed. */
        BACKUP_PREEMPTS,
        /** Master: higher priority, or equal priority and higher primary address. */
        REMOTE_WINS,
        /** Master: lower priority, or equal priority and lower primary address. */
        LOCAL_WINS
    }

    public record Rule(State from, Event event, Guard guard, State to, int actions, int timers, String section) {
        @Override
        public String toString() {
            return from + " --" + event + "[" + guard + "]--> " + to + " (" + section + ")";
        }
    }

    public static final List<Rule> TABLE = List.of(
            new Rule(State.INITIALIZE, Event.STARTUP, Guard.OWNER, State.MASTER,
                    SEND_ADVERT | SEND_GARP | BECOME_MASTER, T_ADVER,
                    "RFC 5798 §6.4.1: priority 255, send an advert, gratuitous ARP, Adver_Timer, to Master"),
            new Rule(State.INITIALIZE, Event.STARTUP, Guard.NOT_OWNER, State.BACKUP,
                    BECOME_BACKUP, T_RESET_INTERVAL | T_MASTER_DOWN,
                    "RFC 5798 §6.4.1: Master_Adver_Interval = Advertisement_Interval, Master_Down_Timer, to Backup"),
            new Rule(State.BACKUP, Event.SHUTDOWN, Guard.ALWAYS, State.INITIALIZE,
                    STOP, T_CANCEL_MASTER_DOWN,
                    "RFC 5798 §6.4.2: Shutdown, cancel Master_Down_Timer, to Initialize"),
            new Rule(State.BACKUP, Event.MASTER_DOWN_TIMER, Guard.ALWAYS, State.MASTER,
                    SEND_ADVERT | SEND_GARP | BECOME_MASTER, T_CANCEL_MASTER_DOWN | T_ADVER,
                    "RFC 5798 §6.4.2: Master_Down_Timer fires, send an advert, gratuitous ARP, to Master"),
            new Rule(State.BACKUP, Event.ADVERT, Guard.ADVERT_PRIORITY_ZERO, State.BACKUP,
                    0, T_SKEW,
                    "RFC 5798 §6.4.2: priority 0 received, Master_Down_Timer = Skew_Time"),
            new Rule(State.BACKUP, Event.ADVERT, Guard.BACKUP_ACCEPTS, State.BACKUP,
                    0, T_LEARN_INTERVAL | T_MASTER_DOWN,
                    "RFC 5798 §6.4.2: Preempt_Mode false or priority >= local, learn Master_Adver_Interval, reset Master_Down_Timer"),
            new Rule(State.BACKUP, Event.ADVERT, Guard.PREEMPT_DELAYED, State.BACKUP,
                    0, T_LEARN_INTERVAL | T_MASTER_DOWN,
                    "keepalived preempt_delay (beyond RFC 5798 §6.4.2): lower priority master kept until preempt-delay after startup"),
            new Rule(State.BACKUP, Event.ADVERT, Guard.BACKUP_PREEMPTS, State.BACKUP,
                    0, 0,
                    "RFC 5798 §6.4.2: Preempt_Mode true and priority < local, discard (Master_Down_Timer runs out)"),
            new Rule(State.MASTER, Event.SHUTDOWN, Guard.ALWAYS, State.INITIALIZE,
                    SEND_PRIORITY_ZERO | STOP, T_CANCEL_ADVER,
                    "RFC 5798 §6.4.3: Shutdown, cancel Adver_Timer, send an advert with priority 0, to Initialize"),
            new Rule(State.MASTER, Event.ADVER_TIMER, Guard.ALWAYS, State.MASTER,
                    SEND_ADVERT, T_ADVER,
                    "RFC 5798 §6.4.3: Adver_Timer fires, send an advert, reset Adver_Timer"),
            new Rule(State.MASTER, Event.ADVERT, Guard.ADVERT_PRIORITY_ZERO, State.MASTER,
                    SEND_ADVERT, T_ADVER,
                    "RFC 5798 §6.4.3: priority 0 received, send an advert, reset Adver_Timer"),
            new Rule(State.MASTER, Event.ADVERT, Guard.REMOTE_WINS, State.BACKUP,
                    SEND_ADVERT | BECOME_BACKUP, T_CANCEL_ADVER | T_LEARN_INTERVAL | T_MASTER_DOWN,
                    "RFC 5798 §6.4.3: higher priority (or equal and higher address), cancel Adver_Timer, learn interval, "
                            + "to Backup; beyond the RFC, one last advert at our priority so a winner that did not hear "
                            + "us during a split brain re-announces the VIP (gratuitous ARP)"),
            new Rule(State.MASTER, Event.ADVERT, Guard.LOCAL_WINS, State.MASTER,
                    SEND_ADVERT | SEND_GARP, T_ADVER,
                    "RFC 5798 §6.4.3 discards it; like keepalived we also re-assert at once (advert + gratuitous ARP) "
                            + "so a split brain heals and neighbours relearn our MAC"));

    /** What {@link #onEvent} returns when no rule matches (an event that cannot happen in that state). */
    public static final Rule IGNORED = new Rule(null, null, Guard.ALWAYS, null, 0, 0, "no transition");

    private final int advertisementIntervalCs;
    private final int primaryAddress;
    private final long preemptDelayNanos;
    private final boolean preempt;
    private int priority;
    private State state = State.INITIALIZE;
    private int masterAdverIntervalCs;
    private long adverDeadline;
    private long masterDownDeadline;
    private boolean adverArmed;
    private boolean masterDownArmed;
    private long preemptAllowedAt;
    private int advertPriority;
    private int advertSource;
    private int advertIntervalCs;

    /**
     * @param priority 1..255 (255 = address owner)
     * @param advertisementIntervalCs our Advertisement_Interval in centiseconds (1..4095)
     * @param primaryAddress our primary IPv4 address (the advert source), for equal-priority ties
     */
    public VrrpStateMachine(int priority, int advertisementIntervalCs, boolean preempt, long preemptDelayNanos,
                            int primaryAddress) {
        if (priority < 1 || priority > 255) {
            throw new IllegalArgumentException("priority out of 1..255: " + priority);
        }
        if (advertisementIntervalCs < 1 || advertisementIntervalCs > VrrpPacket.MAX_INTERVAL_CS) {
            throw new IllegalArgumentException("advert interval out of 1..4095 centiseconds: " + advertisementIntervalCs);
        }
        this.priority = priority;
        this.advertisementIntervalCs = advertisementIntervalCs;
        this.masterAdverIntervalCs = advertisementIntervalCs;
        this.preempt = preempt;
        this.preemptDelayNanos = Math.max(0, preemptDelayNanos);
        this.primaryAddress = primaryAddress;
    }

    /** Feeds a received (already validated) advertisement. */
    public Rule onAdvert(int advPriority, int source, int intervalCs, long now) {
        this.advertPriority = advPriority;
        this.advertSource = source;
        this.advertIntervalCs = intervalCs;
        return onEvent(Event.ADVERT, now);
    }

    /** Fires whichever timer is due at {@code now}; {@code null} when none is. */
    public Rule onTimers(long now) {
        if (state == State.MASTER && adverArmed && now - adverDeadline >= 0) {
            return onEvent(Event.ADVER_TIMER, now);
        }
        if (state == State.BACKUP && masterDownArmed && now - masterDownDeadline >= 0) {
            return onEvent(Event.MASTER_DOWN_TIMER, now);
        }
        return null;
    }

    /** Applies the first rule of {@link #TABLE} matching the state, event and guard. */
    public Rule onEvent(Event event, long now) {
        if (event == Event.STARTUP && state == State.INITIALIZE) {
            preemptAllowedAt = now + preemptDelayNanos;
        }
        for (int i = 0; i < TABLE.size(); i++) {
            Rule r = TABLE.get(i);
            if (r.from == state && r.event == event && holds(r.guard, now)) {
                applyTimers(r.timers, now);
                state = r.to;
                return r;
            }
        }
        return IGNORED;
    }

    private boolean holds(Guard g, long now) {
        return switch (g) {
            case ALWAYS -> true;
            case OWNER -> priority == VrrpPacket.PRIORITY_OWNER;
            case NOT_OWNER -> priority != VrrpPacket.PRIORITY_OWNER;
            case ADVERT_PRIORITY_ZERO -> advertPriority == 0;
            case BACKUP_ACCEPTS -> !preempt || advertPriority >= priority;
            case PREEMPT_DELAYED -> now - preemptAllowedAt < 0;
            case BACKUP_PREEMPTS -> true;
            case REMOTE_WINS -> advertPriority > priority
                    || (advertPriority == priority && Integer.compareUnsigned(advertSource, primaryAddress) > 0);
            case LOCAL_WINS -> true;
        };
    }

    private void applyTimers(int t, long now) {
        if ((t & T_CANCEL_ADVER) != 0) {
            adverArmed = false;
        }
        if ((t & T_CANCEL_MASTER_DOWN) != 0) {
            masterDownArmed = false;
        }
        if ((t & T_RESET_INTERVAL) != 0) {
            masterAdverIntervalCs = advertisementIntervalCs;
        }
        if ((t & T_LEARN_INTERVAL) != 0 && advertIntervalCs > 0) {
            masterAdverIntervalCs = advertIntervalCs;
        }
        if ((t & T_ADVER) != 0) {
            adverArmed = true;
            adverDeadline = now + centisToNanos(advertisementIntervalCs);
        }
        if ((t & T_MASTER_DOWN) != 0) {
            masterDownArmed = true;
            masterDownDeadline = now + masterDownIntervalNanos();
        }
        if ((t & T_SKEW) != 0) {
            masterDownArmed = true;
            masterDownDeadline = now + skewTimeNanos();
        }
    }

    static long centisToNanos(int cs) {
        return cs * 10_000_000L;
    }

    /** Skew_Time (RFC 5798 §6.1) for the current priority and Master_Adver_Interval. */
    public long skewTimeNanos() {
        return (256L - priority) * centisToNanos(masterAdverIntervalCs) / 256;
    }

    /** Master_Down_Interval (RFC 5798 §6.1). */
    public long masterDownIntervalNanos() {
        return 3 * centisToNanos(masterAdverIntervalCs) + skewTimeNanos();
    }

    /** The next timer deadline, or {@link Long#MAX_VALUE} when no timer is armed. */
    public long nextDeadline(long now) {
        if (state == State.MASTER && adverArmed) {
            return adverDeadline;
        }
        if (state == State.BACKUP && masterDownArmed) {
            return masterDownDeadline;
        }
        return Long.MAX_VALUE;
    }

    /** When the Adver_Timer is (or was last) due: the caller measures how late an advert leaves. */
    public long adverDeadline() {
        return adverDeadline;
    }

    /** track-backend changes the local priority; the next advert and Skew_Time use it. */
    public void setPriority(int priority) {
        if (priority < 1 || priority > 255) {
            throw new IllegalArgumentException("priority out of 1..255: " + priority);
        }
        this.priority = priority;
    }

    public State state() {
        return state;
    }

    public int priority() {
        return priority;
    }

    public int advertisementIntervalCs() {
        return advertisementIntervalCs;
    }

    public int masterAdverIntervalCs() {
        return masterAdverIntervalCs;
    }

    public int primaryAddress() {
        return primaryAddress;
    }
}
