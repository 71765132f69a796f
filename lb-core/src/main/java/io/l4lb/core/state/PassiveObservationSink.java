package io.l4lb.core.state;

/**
 * Where the dataplane reports what it saw of real servers ({@code observe layer4}); the health
 * subsystem implements it. Calls come from event-loop threads and must not block.
 */
public interface PassiveObservationSink {
    void connectFailed(ServerRuntime server, String reason);

    void connectSucceeded(ServerRuntime server);

    PassiveObservationSink NONE = new PassiveObservationSink() {
        @Override
        public void connectFailed(ServerRuntime server, String reason) {
        }

        @Override
        public void connectSucceeded(ServerRuntime server) {
        }
    };
}
