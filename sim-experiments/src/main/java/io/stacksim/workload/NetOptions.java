package io.stacksim.workload;

import io.stacksim.os.NetStack;
import java.util.Map;

/**
 * The net engine's options (engines/net.c's option table) for one job clone, checked as
 * fio_netio_init checks them.
 *
 * @param host       hostname= (fio's filename): the host to connect or send to, or the group to join
 * @param port       port=, plus the clone's number (fio adds td->subjob_number)
 * @param protocol   protocol= (tcp, tcpv6, udp, udpv6, unix)
 * @param listen     listen: wait for a connection (TCP), or, for UDP, set on a reading job
 * @param pingpong   each unit is answered by the other end
 * @param nodelay    TCP_NODELAY
 * @param windowSize window_size= (SO_RCVBUF and/or SO_SNDBUF), 0 for the default
 * @param mss        mss= (TCP_MAXSEG), 0 for the default
 * @param intfc      interface= (the multicast interface's address), or null
 * @param ttl        ttl= (IP_MULTICAST_TTL), 1 by default
 */
record NetOptions(String host, int port, Protocol protocol, boolean listen, boolean pingpong, boolean nodelay,
                  long windowSize, int mss, String intfc, int ttl) {

    /** FIO_TYPE_*. */
    enum Protocol { TCP, TCPV6, UDP, UDPV6, UNIX }

    boolean udp() {
        return protocol == Protocol.UDP || protocol == Protocol.UDPV6;
    }

    boolean tcp() {
        return protocol == Protocol.TCP || protocol == Protocol.TCPV6;
    }

    /** The other end is this host (over lo): TCP to localhost, unix sockets, UDP to this host or a group. */
    boolean local() {
        return protocol == Protocol.UNIX || host == null || NetStack.isLocalAddress(host) || multicast();
    }

    /** The listening socket's key: the port, or for a unix socket a key of its path (negative, apart from ports). */
    int listenKey() {
        return protocol == Protocol.UNIX ? -1 - (host.hashCode() & 0x3fffffff) : port;
    }

    boolean multicast() {
        return udp() && host != null && NetStack.isMulticast(host);
    }

    /**
     * What fio_netio_init refuses, as a one-line error at the line of {@code option} (else of
     * the job's ioengine, else its first option), with fio's own words.
     */
    private static io.stacksim.config.ConfigException refuse(JobSpec spec, String option, String fioMessage) {
        Map<String, io.stacksim.config.Origin> at = spec.origins().byOption();
        io.stacksim.config.Origin o = at.getOrDefault(option, at.getOrDefault("ioengine", at.get("")));
        String msg = "job '" + spec.name() + "': " + fioMessage;
        return o == null ? new io.stacksim.config.ConfigException(msg) : io.stacksim.config.ConfigException.at(o, msg);
    }

    /** The options of {@code spec}'s clone {@code clone}; a ConfigException says what fio would refuse. */
    static NetOptions of(JobSpec spec, int clone) {
        Map<String, String> e = spec.control().engineOptions();
        String host = e.get("hostname");
        int port = e.containsKey("port") ? Integer.parseInt(e.get("port")) : 0;
        Protocol p = Protocol.valueOf(e.getOrDefault("protocol", "tcp").toUpperCase(java.util.Locale.ROOT));
        boolean listen = e.containsKey("listen");
        boolean pingpong = e.containsKey("pingpong");
        boolean nodelay = Boolean.parseBoolean(e.getOrDefault("nodelay", "false"));
        long window = Long.parseLong(e.getOrDefault("window_size", "0"));
        int mss = Integer.parseInt(e.getOrDefault("mss", "0"));
        int ttl = Integer.parseInt(e.getOrDefault("ttl", "1"));
        if (spec.rw().random) {
            throw refuse(spec, "rw", "network IO can't be random");
        }
        if (p == Protocol.UNIX && port != 0) {
            throw refuse(spec, "port", "network IO port not valid with unix socket");
        } else if (p != Protocol.UNIX && port == 0) {
            throw refuse(spec, "protocol", "network IO requires port for tcp or udp");
        }
        if (port != 0) {
            port += clone;
        }
        NetOptions o = new NetOptions(host, port, p, listen, pingpong, nodelay, window, mss, e.get("interface"), ttl);
        if (!o.tcp()) {
            if (listen) {
                throw refuse(spec, "listen", "listen only valid for TCP proto IO");
            }
            if (spec.rw().mixed()) {
                throw refuse(spec, "rw", "datagram network connections must be read OR write");
            }
            if (p == Protocol.UNIX && host == null) {
                throw refuse(spec, "protocol", "UNIX sockets need host/filename");
            }
            listen = spec.rw().reads;
            o = new NetOptions(host, port, p, p == Protocol.UNIX ? listen : false, pingpong, nodelay, window, mss,
                    e.get("interface"), ttl);
        }
        if (o.listen() && o.tcp() && host != null) {
            throw refuse(spec, "hostname", "hostname not valid for non-multicast inbound network IO");
        }
        if (o.udp() && spec.rw().reads && host != null && !o.multicast()) {
            throw refuse(spec, "hostname", "hostname not valid for non-multicast inbound network IO");
        }
        if (!o.listen() && !(o.udp() && spec.rw().reads) && host == null) {
            throw refuse(spec, "ioengine", "connect with no host to connect to"
                    + (spec.rw().reads ? " (did you forget to set 'listen'?)" : "") + ": no hostname= set");
        }
        boolean v6 = p == Protocol.TCPV6 || p == Protocol.UDPV6;
        if (host != null && p != Protocol.UNIX && (host.contains(":") != v6) && (host.contains(":") || isIpv4(host))) {
            // getaddrinfo with ai_family AF_INET6 (AF_INET) does not resolve an IPv4 (IPv6) literal
            throw refuse(spec, "hostname", "failed to resolve host '" + excerpt(host) + "': an IPv" + (v6 ? "4" : "6")
                    + " address with protocol=" + p.name().toLowerCase(java.util.Locale.ROOT) + "; expected an IPv"
                    + (v6 ? "6 address with tcpv6 or udpv6" : "4 address with tcp or udp") + ", or a host name");
        }
        if (host != null && p != Protocol.UNIX && !resolvable(host)) {
            // fio_netio_setup_connect_inet: inet_pton fails, then getaddrinfo ("fio: failed to resolve host")
            throw refuse(spec, "hostname", "failed to resolve host '" + excerpt(host) + "': expected a host name (letters,"
                    + " digits and '-' in dot-separated labels) or an IPv4 or IPv6 address");
        }
        if (o.multicast() && p == Protocol.UDPV6) {
            throw refuse(spec, "protocol", "multicast not supported on IPv6");
        }
        return o;
    }

    /**
     * A name getaddrinfo could resolve: an IPv4 or IPv6 literal, or an RFC 1123 host name (labels
     * of letters, digits and '-', at most 63 characters each, 253 in all), not under the
     * reserved .invalid (RFC 6761: never resolves).
     */
    static boolean resolvable(String h) {
        if (h.contains(":")) {
            return h.matches("[0-9A-Fa-f:.]+(%[A-Za-z0-9_.-]+)?") && h.chars().filter(c -> c == ':').count() >= 2;
        }
        if (h.length() > 253 || h.endsWith(".invalid") || h.equals("invalid")) {
            return false;
        }
        String name = h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
        for (String label : name.split("\\.", -1)) {
            if (!label.matches("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?")) {
                return false;
            }
        }
        return true;
    }

    private static boolean isIpv4(String h) {
        return h.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}");
    }

    private static String excerpt(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }

}
