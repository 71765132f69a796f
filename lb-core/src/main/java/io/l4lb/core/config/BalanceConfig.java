package io.l4lb.core.config;

import java.util.List;

/**
 * {@code balance ALGORITHM [args]}: the keyword as written ({@code roundrobin}, {@code leastconn},
 * {@code wrr}, {@code mh}, ...) resolved through the scheduler registry to its canonical name.
 */
public record BalanceConfig(String keyword, String scheduler, List<String> args, SourcePos pos) {
    public static final BalanceConfig ROUNDROBIN = new BalanceConfig("roundrobin", "wrr", List.of(), SourcePos.NONE);

    public BalanceConfig {
        args = List.copyOf(args);
    }
}
