package io.l4lb.dataplane.proxy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/** An origin that records every byte a connection sends until EOF (or {@code limit} bytes), then closes. */
final class Recorder {
    final Origins.Origin origin;
    final BlockingQueue<byte[]> received = new LinkedBlockingQueue<>();
    /** Stop after one complete TLS record (a TLS client waits for an answer, never sends FIN). */
    volatile boolean stopAfterFirstRecord;

    Recorder(String name, int limit) throws IOException {
        origin = new Origins.Origin(name, s -> {
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            try {
                s.setSoTimeout(10_000);
                InputStream in = s.getInputStream();
                byte[] buf = new byte[8192];
                int n;
                while (got.size() < limit && (n = in.read(buf, 0, Math.min(buf.length, limit - got.size()))) >= 0) {
                    got.write(buf, 0, n);
                    byte[] g = got.toByteArray();
                    if (stopAfterFirstRecord && g.length >= 5 && g.length >= 5 + ((g[3] & 0xff) << 8 | (g[4] & 0xff))) {
                        break;
                    }
                }
            } catch (IOException e) {
                // record what arrived
            }
            received.add(got.toByteArray());
        });
    }
}
