package io.l4lb.core.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import io.l4lb.core.config.parse.ConfigLoader;

/**
 * Entry point of the HAProxy-style config language: text in, validated {@link L4Config} out.
 * The language is HAProxy 2.6's for what applies to Layer 4, plus l4lb's extensions
 * ({@code forward}, {@code persist}, {@code vrrp} and {@code admin} sections); docs/config.md
 * lists every keyword. The work is done in {@code io.l4lb.core.config.parse}.
 */
public final class ConfigParser {
    private ConfigParser() {
    }

    /** Reads and parses one file; errors carry the file name given here. */
    public static L4Config parseFile(Path file) throws IOException, ConfigException {
        return parse(file.toString(), Files.readString(file, StandardCharsets.UTF_8));
    }

    /**
     * Parses config text. {@code fileName} is used in diagnostics only.
     *
     * @throws ConfigException with every error found, each with file:line:col
     */
    public static L4Config parse(String fileName, String text) throws ConfigException {
        return ConfigLoader.load(List.of(new ConfigLoader.Source(fileName, text)));
    }

    /**
     * Reads several files in order as one configuration, like {@code haproxy -f a -f b}; a
     * directory contributes its {@code *.cfg} files in name order.
     */
    public static L4Config parseFiles(List<Path> files) throws IOException, ConfigException {
        List<ConfigLoader.Source> sources = new ArrayList<>();
        for (Path f : expand(files)) {
            sources.add(new ConfigLoader.Source(f.toString(), Files.readString(f, StandardCharsets.UTF_8)));
        }
        return ConfigLoader.load(sources);
    }

    /** Files as given; a directory becomes its regular {@code *.cfg} files sorted by name. */
    public static List<Path> expand(List<Path> files) throws IOException {
        List<Path> out = new ArrayList<>();
        for (Path f : files) {
            if (Files.isDirectory(f)) {
                try (Stream<Path> s = Files.list(f)) {
                    s.filter(p -> p.getFileName().toString().endsWith(".cfg") && Files.isRegularFile(p))
                            .sorted().forEach(out::add);
                }
            } else {
                out.add(f);
            }
        }
        return out;
    }
}
