package io.l4lb.dataplane.vrrp;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code notify SCRIPT} with keepalived's contract: {@code SCRIPT INSTANCE name STATE
 * priority}, STATE one of MASTER, BACKUP, STOP. The script string may carry its own arguments
 * (split on blanks, as keepalived does). Scripts run one at a time, in order, on their own daemon
 * thread, so the VRRP thread never waits for them; each gets 30 s before it is killed.
 */
public final class NotifyScript implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(NotifyScript.class.getName());
    private final List<String> command;
    private final ExecutorService runner = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "vrrp-notify");
        t.setDaemon(true);
        return t;
    });

    public NotifyScript(String script) {
        this.command = List.of(script.trim().split("\\s+"));
    }

    public void notify(String instance, String state, int priority) {
        List<String> argv = new ArrayList<>(command);
        argv.addAll(List.of("INSTANCE", instance, state, Integer.toString(priority)));
        runner.execute(() -> run(argv));
    }

    private static void run(List<String> argv) {
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectInput(new File("/dev/null")).start();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                LOG.log(System.Logger.Level.WARNING, "notify script " + argv + " still running after 30 s: killed");
            } else if (p.exitValue() != 0) {
                LOG.log(System.Logger.Level.WARNING, "notify script " + argv + " exited with " + p.exitValue());
            }
        } catch (java.io.IOException e) {
            LOG.log(System.Logger.Level.WARNING, "notify script " + argv + " could not start: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Lets queued scripts finish (up to 5 s), then stops the runner. */
    @Override
    public void close() {
        runner.shutdown();
        try {
            runner.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
