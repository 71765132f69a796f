package io.l4lb.core.testing;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/** Enables {@link Privileged} tests only as root with a working {@code ip netns}; see there. */
public final class PrivilegedCondition implements ExecutionCondition {
    private static volatile String missing;

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        String why = missing();
        if (why.isEmpty()) {
            return ConditionEvaluationResult.enabled("root and ip netns available");
        }
        if ("true".equals(System.getenv("CI"))) {
            throw new IllegalStateException("privileged test cannot run under CI=true: " + why);
        }
        return ConditionEvaluationResult.disabled("privileged test skipped: " + why);
    }

    private static String missing() {
        String m = missing;
        if (m == null) {
            m = probe();
            missing = m;
        }
        return m;
    }

    private static String probe() {
        if (!"root".equals(System.getProperty("user.name"))) {
            return "not running as root";
        }
        try {
            Process p = new ProcessBuilder("ip", "netns", "list").redirectErrorStream(true).start();
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                return "'ip netns list' failed (install iproute2)";
            }
        } catch (IOException e) {
            return "'ip' not found (install iproute2)";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
        return "";
    }
}
