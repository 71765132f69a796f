package io.l4lb.core.config;

/** HAProxy's {@code mode}. l4lb forwards tcp; http sections are parsed (stats pages, warnings). */
public enum ProxyMode { TCP, HTTP }
