package io.l4lb.core.config;

/** l4lb extension {@code forward proxy|dr|tunnel}: how packets reach the real server (LVS NAT/DR/TUN). */
public enum ForwardStyle { PROXY, DR, TUNNEL }
