package io.l4lb.server.admin;

import io.l4lb.core.config.SourcePos;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Deep equality of config records that ignores {@link SourcePos} components: editing one line of a
 * file moves the positions of everything below it, which must not count as a change on reload.
 */
final class SameIgnoringPos {
    private SameIgnoringPos() {
    }

    static boolean equal(Object a, Object b) {
        if (a == b) {
            return true;
        }
        if (a == null || b == null || a.getClass() != b.getClass()) {
            return false;
        }
        if (a instanceof SourcePos) {
            return true;
        }
        if (a.getClass().isArray()) {
            // tcp-check send-binary data: compare contents, not array identity (every parse makes new arrays).
            return java.util.Arrays.deepEquals(new Object[] {a}, new Object[] {b});
        }
        if (a.getClass().isRecord()) {
            for (RecordComponent c : a.getClass().getRecordComponents()) {
                if (c.getType() == SourcePos.class) {
                    continue;
                }
                if (!equal(read(c, a), read(c, b))) {
                    return false;
                }
            }
            return true;
        }
        if (a instanceof List<?> la && b instanceof List<?> lb) {
            if (la.size() != lb.size()) {
                return false;
            }
            Iterator<?> ib = lb.iterator();
            for (Object x : la) {
                if (!equal(x, ib.next())) {
                    return false;
                }
            }
            return true;
        }
        if (a instanceof Map<?, ?> ma && b instanceof Map<?, ?> mb) {
            if (!ma.keySet().equals(mb.keySet())) {
                return false;
            }
            for (Map.Entry<?, ?> e : ma.entrySet()) {
                if (!equal(e.getValue(), mb.get(e.getKey()))) {
                    return false;
                }
            }
            return true;
        }
        return Objects.equals(a, b);
    }

    private static Object read(RecordComponent c, Object r) {
        try {
            return c.getAccessor().invoke(r);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("cannot read " + c.getName() + " of " + r.getClass(), e);
        }
    }
}
