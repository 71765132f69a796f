package io.l4lb.health.check;

import io.l4lb.core.config.HealthCheckConfig.StepKind;
import io.l4lb.core.config.HealthCheckConfig.TcpCheckStep;
import io.l4lb.core.config.ServerConfig.ProxyProtocol;
import io.l4lb.health.CheckResult;
import io.l4lb.health.CheckStatus;
import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code option tcp-check} with its {@code tcp-check} rules, run in order as HAProxy's tcpcheck.c
 * does: a {@code connect} rule (port, send-proxy, ssl) opens a new connection (closing the
 * previous one); without a leading connect the check connects first to the check port;
 * consecutive {@code send}/{@code send-binary} rules go out together; an {@code expect} waits until
 * its pattern is found in what was received since the last send (a negated rule passes when the
 * peer closes or the buffer fills without the pattern). All rules done: L7OK.
 */
public final class TcpCheckSequenceChecker implements Checker {
    private final List<List<TcpCheckStep>> segments;
    private final List<TcpCheckStep> connects;

    public TcpCheckSequenceChecker(List<TcpCheckStep> steps) {
        List<List<TcpCheckStep>> segs = new ArrayList<>();
        List<TcpCheckStep> conns = new ArrayList<>();
        List<TcpCheckStep> current = null;
        for (TcpCheckStep s : steps) {
            if (s.kind() == StepKind.COMMENT) {
                continue;
            }
            if (s.kind() == StepKind.CONNECT || current == null) {
                current = new ArrayList<>();
                segs.add(current);
                conns.add(s.kind() == StepKind.CONNECT ? s : null);
                if (s.kind() == StepKind.CONNECT) {
                    continue;
                }
            }
            current.add(s);
        }
        if (segs.isEmpty()) {
            segs.add(new ArrayList<>());
            conns.add(null);
        }
        this.segments = segs;
        this.connects = conns;
    }

    @Override
    public Future<CheckResult> check(CheckTarget target) {
        Promise<CheckResult> p = target.loop().newPromise();
        runSegment(target, 0, 0L, p);
        return p;
    }

    private void runSegment(CheckTarget base, int i, long spentNanos, Promise<CheckResult> p) {
        TcpCheckStep conn = connects.get(i);
        CheckTarget t = base;
        if (conn != null) {
            if (conn.port() > 0) {
                InetSocketAddress a = base.address();
                t = t.withAddress(new InetSocketAddress(a.getAddress(), conn.port()));
            }
            if (conn.sendProxy()) {
                t = t.withProxyProtocol(ProxyProtocol.V1);
            }
            if (conn.ssl()) {
                t = t.withSsl(true);
            }
        }
        boolean last = i == segments.size() - 1;
        DialogueRunner.run(t, new SequenceDialogue(segments.get(i), i)).addListener(f -> {
            CheckResult r = (CheckResult) f.getNow();
            long total = spentNanos + r.durationNanos();
            if (!r.passed() || last) {
                p.trySuccess(r.withDuration(total));
            } else {
                runSegment(base, i + 1, total, p);
            }
        });
    }

    /** The rules between two connects, over one connection. */
    private static final class SequenceDialogue implements Dialogue {
        private final List<TcpCheckStep> steps;
        private final int segment;
        private int next;
        private ExpectMatcher pending;

        SequenceDialogue(List<TcpCheckStep> steps, int segment) {
            this.steps = steps;
            this.segment = segment;
        }

        @Override
        public Verdict start() {
            return advance();
        }

        /** Runs rules from {@code next}: gathers sends, stops at an expect or at the end. */
        private Verdict advance() {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            while (next < steps.size()) {
                TcpCheckStep s = steps.get(next);
                if (s.kind() == StepKind.EXPECT) {
                    pending = new ExpectMatcher(s.expect());
                    return out.size() > 0 ? Verdict.send(out.toByteArray()) : Verdict.NEED_MORE;
                }
                out.writeBytes(s.data());
                next++;
            }
            pending = null;
            if (out.size() > 0) {
                // Trailing sends: written, then the sequence passes (as HAProxy, which does not wait).
                return new Verdict.Done(CheckResult.of(CheckStatus.L7OK, "tcp-check sequence passed"), out.toByteArray());
            }
            return Verdict.pass(CheckStatus.L7OK, "tcp-check sequence passed");
        }

        @Override
        public Verdict onData(ByteBuf received, boolean bufferFull) {
            return evaluate(received, bufferFull);
        }

        @Override
        public Verdict onClose(ByteBuf received) {
            Verdict v = evaluate(received, true);
            return v instanceof Verdict.NeedMore || v instanceof Verdict.Send
                    ? Verdict.fail(CheckStatus.L7RSP, "connection closed by server during tcp-check")
                    : v;
        }

        /** {@code lastRead}: no more data will come (peer closed or buffer full). */
        private Verdict evaluate(ByteBuf received, boolean lastRead) {
            while (pending != null) {
                boolean found = pending.found(received);
                boolean negated = pending.expect().negated();
                if (found == negated) {
                    if (!negated && !lastRead) {
                        return Verdict.NEED_MORE;
                    }
                    if (negated && found) {
                        return Verdict.fail(CheckStatus.L7RSP, "TCPCHK matched unwanted content ("
                                + pending.describe() + ") at step " + (next + 1) + segmentText());
                    }
                    return Verdict.fail(CheckStatus.L7RSP, "TCPCHK did not match content (" + pending.describe()
                            + ") at step " + (next + 1) + segmentText());
                }
                if (negated && !lastRead) {
                    return Verdict.NEED_MORE; // absence is only proven once nothing more can arrive
                }
                next++;
                pending = null;
                if (next < steps.size() && steps.get(next).kind() == StepKind.EXPECT) {
                    pending = new ExpectMatcher(steps.get(next).expect()); // same buffer, as HAProxy
                    continue;
                }
                return advance();
            }
            return Verdict.NEED_MORE;
        }

        private String segmentText() {
            return segment == 0 ? "" : " after connect #" + (segment + 1);
        }
    }
}
