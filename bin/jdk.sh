# Sourced by bin/l4lb and bin/test: finds a JDK >= 25 and exports JAVA_HOME.
# Order: $JAVA_HOME if it is 25 or newer, then the newest JDK >= 25 in /usr/lib/jvm (Debian's
# standard JVM directory, where Temurin packages install too; L4LB_JVM_DIR overrides it for tests).
l4lb_java_major() { # prints the feature version of the java at $1, or nothing
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n 1
}
l4lb_find_jdk() {
  local cand v best="" bestv=0
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/javac" ]; then
    v=$(l4lb_java_major "$JAVA_HOME/bin/java")
    if [ -n "$v" ] && [ "$v" -ge 25 ]; then echo "$JAVA_HOME"; return 0; fi
  fi
  for cand in "${L4LB_JVM_DIR:-/usr/lib/jvm}"/*; do
    [ -x "$cand/bin/javac" ] || continue
    v=$(l4lb_java_major "$cand/bin/java")
    if [ -n "$v" ] && [ "$v" -ge 25 ] && [ "$v" -gt "$bestv" ]; then best=$cand; bestv=$v; fi
  done
  [ -n "$best" ] && { echo "$best"; return 0; }
  return 1
}
if ! L4LB_JDK=$(l4lb_find_jdk); then
  cat >&2 <<'MSG'
l4lb: no JDK 25 or newer found.
  Looked at $JAVA_HOME and at /usr/lib/jvm/*. l4lb needs Java 25 (it uses the FFM API).
  Install one, e.g. Eclipse Temurin 25 (package temurin-25-jdk from the Adoptium apt repository)
  or openjdk-25-jdk where your distribution has it, or point JAVA_HOME at a JDK 25.
MSG
  exit 1
fi
export JAVA_HOME="$L4LB_JDK"
export PATH="$JAVA_HOME/bin:$PATH"
