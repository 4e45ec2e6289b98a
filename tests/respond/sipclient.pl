#!/usr/bin/perl
# sipclient.pl - a small SIP client for the sipcode respond tests, where SIPp
# cannot see what we need to check: the exact bytes of a response, the times
# of its retransmissions, or the reply to a request that is not valid SIP.
#
#   sipclient.pl freeport [4|6]                  a port free for UDP and TCP
#   sipclient.pl dial   HOST PORT DIR CODE:METHOD...
#       one request per code to sip:CODE@HOST:PORT; the final response is saved
#       as DIR/CODE.sip; INVITEs are ACKed; fails on a missing or wrong code
#   sipclient.pl ask    HOST PORT METHOD USER CODE [FILE]
#       one request (INVITE is ACKed), the final must be CODE; saved to FILE
#   sipclient.pl repeat HOST PORT METHOD USER CODE
#       a request, then the same bytes again: the same response bytes must come
#   sipclient.pl timer  HOST PORT USER CODE
#       INVITE answered CODE and not ACKed: the final must come again after
#       about 0.5, 1 and 2 s (RFC 3261 Timer G, or 13.3.1.4 for a 2xx); a
#       retransmitted INVITE gets the same bytes; after the ACK nothing more
#   sipclient.pl cancel-unknown HOST PORT        a CANCEL matching nothing: 481
#   sipclient.pl cancel-late HOST PORT           INVITE answered 486, then CANCEL:
#       200 to the CANCEL and nothing else for the INVITE (RFC 3261 9.2)
#   sipclient.pl sent-by HOST PORT   RFC 3261 18.2.2 without rport: the reply goes
#       to the sent-by port (not the source port), received= when the host differs
#   sipclient.pl burst HOST PORT N MS   N OPTIONS MS apart; prints how many were answered
#       and the seconds from the first send to the last
#   sipclient.pl codes HOST PORT N   N OPTIONS one after another; prints each final code
#   sipclient.pl tcp-framing HOST PORT   over one TCP connection: two requests in one
#       write, one sent a byte at a time, one without Content-Length (400, RFC 3261 18.3)
#   sipclient.pl raw    HOST PORT WAIT_MS FILE [SAVE]   sends FILE as one datagram,
#       prints the start line of every reply seen within WAIT_MS ("none" if
#       none) and appends the replies to SAVE
#   sipclient.pl summary FILE CHECK...   checks the JSON summary of sipcode
#       respond: CHECK is PATH=N, PATH>=N or PATH<=N, PATH dotted
#       (responses.486); a missing count is 0; "dropped.*" sums every reason
#
# HOST is 127.0.0.1 or ::1. Every wait is bounded; exit 0 when the check
# holds, 1 with a line on stderr saying what failed.
use strict;
use warnings;
use IO::Socket::IP;
use Socket qw(SOCK_DGRAM SOCK_STREAM);
use Time::HiRes qw(time sleep);
use JSON::PP;

my $failed = 0;

sub fail { print STDERR "sipclient: @_\n"; $failed = 1; }

sub udp_socket {
    my ($host) = @_;
    my $s = IO::Socket::IP->new(LocalHost => $host, LocalPort => 0, Proto => 'udp',
                                Type => SOCK_DGRAM)
        or die "sipclient: udp socket on $host: $@\n";
    return $s;
}

# The peer address, packed once, for send().
sub peer {
    my ($host, $port) = @_;
    my ($err, @res) = Socket::getaddrinfo($host, $port, {socktype => SOCK_DGRAM,
                                                         flags => Socket::AI_NUMERICHOST()});
    die "sipclient: $host: $err\n" if $err;
    return $res[0]{addr};
}

sub hostport {
    my ($host, $port) = @_;
    return $host =~ /:/ ? "[$host]:$port" : "$host:$port";
}

my $seq = 0;
sub token { return sprintf('%x%x%x', $$, int(time * 1000) % 1000000, ++$seq); }

# A request in the form RFC 3261 section 8.1.1 asks for.
sub request {
    my (%a) = @_;
    my $local = hostport($a{lhost}, $a{lport});
    my $body = $a{body} // '';
    my $to = $a{to} // "<$a{ruri}>";
    my $m = "$a{method} $a{ruri} SIP/2.0\r\n"
          . "Via: SIP/2.0/UDP $local;branch=$a{branch};rport\r\n"
          . "Max-Forwards: 70\r\n"
          . "From: <sip:tester\@$local>;tag=$a{ftag}\r\n"
          . "To: $to\r\n"
          . "Call-ID: $a{callid}\r\n"
          . "CSeq: $a{cseq} " . ($a{cseq_method} // $a{method}) . "\r\n";
    $m .= "Contact: <sip:tester\@$local>\r\n" if $a{method} =~ /^(INVITE|REGISTER|SUBSCRIBE)$/;
    $m .= "Event: presence\r\nExpires: 60\r\n" if $a{method} =~ /^(SUBSCRIBE|PUBLISH)$/;
    $m .= "Info-Package: sipcode-test\r\n" if $a{method} eq 'INFO';
    # What a phone puts in a request besides the mandatory fields.
    # (A CANCEL stays as bare as RFC 3261 9.1 makes it: its 481 must go out.)
    if ($a{method} ne 'ACK' && $a{method} ne 'CANCEL') {
        $m .= "User-Agent: sipcode-tests/sipclient.pl\r\n"
            . "Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, UPDATE, REFER, NOTIFY, MESSAGE\r\n"
            . "Supported: replaces, timer, 100rel\r\n";
        if ($a{method} eq 'INVITE' && $body eq '') {
            $body = "v=0\r\no=tester 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\n"
                  . "t=0 0\r\nm=audio 49170 RTP/AVP 0 8 101\r\na=rtpmap:0 PCMU/8000\r\n"
                  . "a=rtpmap:8 PCMA/8000\r\na=rtpmap:101 telephone-event/8000\r\n";
            $m .= "Content-Type: application/sdp\r\n";
        }
    }
    $m .= "Content-Length: " . length($body) . "\r\n\r\n$body";
    return $m;
}

# Header value by name (compact forms included), first occurrence.
my %compact = (v => 'via', f => 'from', t => 'to', i => 'call-id', l => 'content-length');
sub header {
    my ($msg, $name) = @_;
    my ($head) = split /\r\n\r\n/, $msg, 2;
    for my $line (split /\r\n/, $head) {
        next unless $line =~ /^([^:\s]+)\s*:\s*(.*)$/;
        my $n = lc $1;
        $n = $compact{$n} // $n;
        return $2 if $n eq lc $name;
    }
    return undef;
}

sub status_code { my ($m) = @_; return $m =~ m{^SIP/2\.0 (\d{3}) } ? $1 : 0; }

# Waits until $deadline for one datagram; returns (bytes, time) or ().
sub recv_until {
    my ($s, $deadline) = @_;
    while (1) {
        my $left = $deadline - time;
        return () if $left <= 0;
        my $rin = '';
        vec($rin, fileno($s), 1) = 1;
        my $n = select(my $rout = $rin, undef, undef, $left);
        next if $n < 0 && $!{EINTR};
        return () if $n <= 0;
        my $buf;
        defined $s->recv($buf, 65535) or return ();
        return ($buf, time);
    }
}

# The final response of the transaction with this branch, skipping
# provisionals and anything else.
sub wait_final {
    my ($s, $branch, $secs) = @_;
    my $deadline = time + $secs;
    while (my ($buf, $t) = recv_until($s, $deadline)) {
        next unless ($buf =~ m{^SIP/2\.0 }) && index($buf, $branch) >= 0;
        return ($buf, $t) if status_code($buf) >= 200;
    }
    return ();
}

sub ack_for {
    my ($req, $resp, %a) = @_;
    my $code = status_code($resp);
    # RFC 3261 17.1.1.3: the ACK for a non-2xx final reuses the INVITE's branch;
    # 13.2.2.4: the ACK for a 2xx is a transaction of its own.
    my $branch = $code >= 300 ? $a{branch} : 'z9hG4bK' . token();
    return request(%a, method => 'ACK', branch => $branch, to => header($resp, 'To'),
                   cseq_method => 'ACK');
}

# Sends one request, returns its final response (or undef); ACKs an INVITE.
sub transact {
    my ($s, $peer, %a) = @_;
    my $req = request(%a);
    $s->send($req, 0, $peer) or die "sipclient: send: $!\n";
    my ($resp) = wait_final($s, $a{branch}, 4);
    return undef unless defined $resp;
    $s->send(ack_for($req, $resp, %a), 0, $peer) if $a{method} eq 'INVITE';
    return $resp;
}

sub new_request {
    my ($s, $host, $port, $method, $user) = @_;
    return (lhost => $host, lport => $s->sockport, method => $method,
            ruri => "sip:$user\@" . hostport($host, $port), branch => 'z9hG4bK' . token(),
            ftag => token(), callid => token() . '@sipclient', cseq => 1);
}

sub save {
    my ($file, $bytes) = @_;
    open my $fh, '>:raw', $file or die "sipclient: $file: $!\n";
    print $fh $bytes;
    close $fh;
}

my $mode = shift // '';

if ($mode eq 'freeport') {
    my $fam = (shift // '4') eq '6' ? '::1' : '127.0.0.1';
    for (1 .. 50) {
        my $u = IO::Socket::IP->new(LocalHost => $fam, LocalPort => 0, Proto => 'udp') or next;
        my $port = $u->sockport;
        my $t = IO::Socket::IP->new(LocalHost => $fam, LocalPort => $port, Proto => 'tcp',
                                    Listen => 1) or next;
        print "$port\n";
        exit 0;
    }
    die "sipclient: no free port\n";
}

if ($mode eq 'dial') {
    my ($host, $port, $dir, @wanted) = @ARGV;
    my $s = udp_socket($host);
    my $peer = peer($host, $port);
    for my $w (@wanted) {
        my ($code, $method) = split /:/, $w;
        my %a = new_request($s, $host, $port, $method, $code);
        my $resp = transact($s, $peer, %a);
        if (!defined $resp) {
            fail("dial $code ($method): no final response within 4 s");
            next;
        }
        save("$dir/$code.sip", $resp);
        fail("dial $code ($method): answered " . status_code($resp))
            unless status_code($resp) == $code;
    }
    exit $failed;
}

if ($mode eq 'ask' || $mode eq 'repeat') {
    my ($host, $port, $method, $user, $code, $file) = @ARGV;
    my $s = udp_socket($host);
    my $peer = peer($host, $port);
    my %a = new_request($s, $host, $port, $method, $user);
    if ($mode eq 'ask') {
        my $resp = transact($s, $peer, %a);
        fail("$method to $user: no final response within 4 s") unless defined $resp;
        exit 1 unless defined $resp;
        save($file, $resp) if defined $file;
        fail("$method to $user: answered " . status_code($resp) . ", wanted $code")
            unless status_code($resp) == $code;
        exit $failed;
    }
    my $req = request(%a);
    $s->send($req, 0, $peer);
    my ($first) = wait_final($s, $a{branch}, 4);
    fail("$method: no final response within 4 s") unless defined $first;
    exit 1 unless defined $first;
    fail("$method: answered " . status_code($first) . ", wanted $code")
        unless status_code($first) == $code;
    $s->send($req, 0, $peer);
    my ($again) = wait_final($s, $a{branch}, 2);
    fail("$method retransmitted: no response within 2 s") unless defined $again;
    fail("$method retransmitted: the response differs from the first one:\n$first---\n$again")
        if defined $again && $again ne $first;
    $s->send(ack_for($req, $first, %a), 0, $peer) if $method eq 'INVITE';
    exit $failed;
}

if ($mode eq 'timer') {
    my ($host, $port, $user, $code) = @ARGV;
    my $s = udp_socket($host);
    my $peer = peer($host, $port);
    my %a = new_request($s, $host, $port, 'INVITE', $user);
    my $req = request(%a);
    $s->send($req, 0, $peer);
    my ($first, $t0) = wait_final($s, $a{branch}, 4);
    if (!defined $first) { fail("timer: no final response within 4 s"); exit 1; }
    if (status_code($first) != $code) {
        fail("timer: answered " . status_code($first) . ", wanted $code");
        exit 1;
    }
    # A retransmitted INVITE, 0.2 s in: the same bytes come back at once,
    # and Timer G keeps its schedule.
    sleep(0.2 - (time - $t0)) if time - $t0 < 0.2;
    my $resent_at = time;
    $s->send($req, 0, $peer);
    my @seen;
    while (my ($buf, $t) = recv_until($s, $t0 + 3.8)) {
        next unless $buf =~ m{^SIP/2\.0 } && index($buf, $a{branch}) >= 0;
        push @seen, [$t - $t0, $buf];
    }
    $s->send(ack_for($req, $first, %a), 0, $peer);
    my $acked = time - $t0;
    my @late;
    while (my ($buf, $t) = recv_until($s, $t0 + 8.5)) {
        push @late, sprintf('%.2f', $t - $t0) if $buf =~ m{^SIP/2\.0 } && index($buf, $a{branch}) >= 0;
    }
    my $times = join(' ', map { sprintf('%.2f', $_->[0]) } @seen);
    for (@seen) {
        fail(sprintf('timer: the copy at %.2f s differs from the first response', $_->[0]))
            if $_->[1] ne $first;
    }
    # The answer to the retransmitted request: within 0.25 s of it.
    my $echo = (grep { $_->[0] >= $resent_at - $t0 && $_->[0] < $resent_at - $t0 + 0.25 } @seen)[0];
    fail("timer: no response to the retransmitted INVITE (seen at: $times)") unless $echo;
    my @timer = grep { !$echo || $_ != $echo } @seen;
    # 0.5, 1.5, 3.5 s after the first: T1 = 500 ms doubling (RFC 3261 17.2.1);
    # late is allowed more slack than early on a busy machine.
    my @want = (0.5, 1.5, 3.5);
    if (@timer != @want) {
        fail("timer: wanted copies near @want s before the ACK, saw them at: $times");
    } else {
        for my $i (0 .. $#want) {
            my $at = $timer[$i][0];
            fail(sprintf('timer: copy %d at %.2f s, wanted about %.1f s', $i + 1, $at, $want[$i]))
                if $at < $want[$i] - 0.1 || $at > $want[$i] + 0.45;
        }
    }
    fail(sprintf('timer: responses after the ACK (sent at %.2f s): at %s s', $acked, "@late"))
        if @late;
    print "timer: $code copies at $times s; ACK at ", sprintf('%.2f', $acked),
          " s; none after it up to 8.5 s\n" unless $failed;
    exit $failed;
}

if ($mode eq 'cancel-unknown') {
    my ($host, $port) = @ARGV;
    my $s = udp_socket($host);
    my $peer = peer($host, $port);
    my %a = new_request($s, $host, $port, 'CANCEL', 'nobody');
    my $resp = transact($s, $peer, %a);
    fail("CANCEL matching nothing: no response within 4 s") unless defined $resp;
    fail("CANCEL matching nothing: answered " . status_code($resp) . ", wanted 481")
        if defined $resp && status_code($resp) != 481;
    exit $failed;
}

if ($mode eq 'cancel-late') {
    my ($host, $port) = @ARGV;
    my $s = udp_socket($host);
    my $peer = peer($host, $port);
    my %a = new_request($s, $host, $port, 'INVITE', 'busy');
    my $req = request(%a);
    $s->send($req, 0, $peer);
    my ($final) = wait_final($s, $a{branch}, 4);
    if (!defined $final) { fail("cancel-late: no final response to the INVITE"); exit 1; }
    $s->send(request(%a, method => 'CANCEL', body => ''), 0, $peer);
    my @seen;
    # 0.4 s: long enough for a 487, short of Timer G's first copy at 0.5 s
    while (my ($buf) = recv_until($s, time + 0.4)) {
        my ($cseq) = $buf =~ /^CSeq: *(.*?)\r$/m;
        push @seen, status_code($buf) . " ($cseq)";
    }
    fail("cancel-late: after the final, wanted only 200 (1 CANCEL), got: @seen")
        unless "@seen" eq '200 (1 CANCEL)';
    $s->send(ack_for($req, $final, %a), 0, $peer);
    exit $failed;
}

if ($mode eq 'sent-by') {
    my ($host, $port) = @ARGV;
    my $s = udp_socket($host);
    my $other = udp_socket($host);
    my $peer = peer($host, $port);
    # sent-by names the other socket's port, no rport: the reply goes there
    my %a = new_request($s, $host, $port, 'OPTIONS', 'probe');
    my $req = request(%a, lport => $other->sockport);
    $req =~ s/;rport//;
    $s->send($req, 0, $peer);
    my ($there) = recv_until($other, time + 2);
    my ($here) = recv_until($s, time + 0.2);
    fail('sent-by: no reply on the sent-by port') unless defined $there;
    fail('sent-by: a reply on the source port') if defined $here;
    fail("sent-by: received= added though the host is the source:\n$there")
        if defined $there && header($there, 'Via') =~ /;received=/;
    # sent-by host not the source address: received= names the source
    my $doc = $host =~ /:/ ? '2001:db8::1' : '192.0.2.1';
    %a = new_request($s, $host, $port, 'OPTIONS', 'probe');
    $req = request(%a, lhost => $doc);
    $req =~ s/;rport//;
    $s->send($req, 0, $peer);
    my ($reply) = recv_until($s, time + 2);
    if (!defined $reply) {
        fail("sent-by $doc: no reply on the sent-by port");
    } elsif (header($reply, 'Via') !~ /;received=\Q$host\E(;|$)/) {
        fail("sent-by $doc: wanted received=$host in the top Via, got: " . header($reply, 'Via'));
    }
    exit $failed;
}

if ($mode eq 'burst' || $mode eq 'codes') {
    my ($host, $port, $n, $ms) = @ARGV;
    my $s = udp_socket($host);
    my $peer = peer($host, $port);
    my $answered = 0;
    my ($first, $last) = (time, time);
    for my $i (1 .. $n) {
        $last = time;
        my %a = new_request($s, $host, $port, 'OPTIONS', 'probe');
        if ($mode eq 'codes') {
            my $resp = transact($s, $peer, %a);
            print defined $resp ? status_code($resp) : 'none', "\n";
            next;
        }
        $s->send(request(%a), 0, $peer);
        while (my ($buf) = recv_until($s, time + $ms / 1000)) {
            $answered++ if $buf =~ m{^SIP/2\.0 };
        }
    }
    if ($mode eq 'burst') {
        while (my ($buf) = recv_until($s, time + 0.5)) {
            $answered++ if $buf =~ m{^SIP/2\.0 };
        }
        printf "%d %.3f\n", $answered, $last - $first;
    }
    exit 0;
}

if ($mode eq 'tcp-framing') {
    my ($host, $port) = @ARGV;
    my $c = IO::Socket::IP->new(PeerHost => $host, PeerPort => $port, Proto => 'tcp',
                                Type => SOCK_STREAM)
        or die "sipclient: tcp connect: $@\n";
    my $lport = $c->sockport;
    my $tcp = sub {
        my %a = (lhost => $host, lport => $lport, method => 'OPTIONS',
                 ruri => "sip:probe\@" . hostport($host, $port), branch => 'z9hG4bK' . token(),
                 ftag => token(), callid => token() . '@sipclient', cseq => 1);
        (my $m = request(%a)) =~ s{SIP/2\.0/UDP}{SIP/2.0/TCP};
        return $m;
    };
    my $read = sub {
        my ($want) = @_;
        my ($buf, @codes) = ('');
        my $deadline = time + 2;
        while (@codes < $want && time < $deadline) {
            my $rin = '';
            vec($rin, fileno($c), 1) = 1;
            last unless select(my $rout = $rin, undef, undef, $deadline - time) > 0;
            my $n = sysread($c, my $chunk, 65535);
            last unless $n;
            $buf .= $chunk;
            @codes = $buf =~ m{^SIP/2\.0 (\d{3}) }mg;
        }
        return "@codes";
    };
    syswrite($c, $tcp->() . $tcp->());
    my $got = $read->(2);
    fail("tcp: two requests in one write: wanted 200 200, got '$got'") unless $got eq '200 200';
    for my $byte (split //, $tcp->()) {
        syswrite($c, $byte);
        sleep(0.001);
    }
    $got = $read->(1);
    fail("tcp: a request a byte at a time: wanted 200, got '$got'") unless $got eq '200';
    (my $bare = $tcp->()) =~ s/Content-Length: 0\r\n//;
    syswrite($c, $bare);
    $got = $read->(1);
    fail("tcp: no Content-Length on a stream: wanted 400, got '$got'") unless $got eq '400';
    exit $failed;
}

if ($mode eq 'raw') {
    my ($host, $port, $wait_ms, $file, $keep) = @ARGV;
    my $s = udp_socket($host);
    my $peer = peer($host, $port);
    open my $fh, '<:raw', $file or die "sipclient: $file: $!\n";
    my $bytes = do { local $/; <$fh> };
    close $fh;
    # Files are kept with LF line ends for reading; the wire wants CRLF.
    # A file named *.bin is sent exactly as it is.
    $bytes =~ s/\r?\n/\r\n/g unless $file =~ /\.bin$/;
    $bytes =~ s/\$PORT/$s->sockport/ge;
    $s->send($bytes, 0, $peer);
    my $any = 0;
    while (my ($buf) = recv_until($s, time + $wait_ms / 1000)) {
        my ($line) = split /\r\n/, $buf, 2;
        print "$line\n";
        if (defined $keep) {
            open my $out, '>>:raw', $keep or die "sipclient: $keep: $!\n";
            print $out $buf;
            close $out;
        }
        $any = 1;
    }
    print "none\n" unless $any;
    exit 0;
}

if ($mode eq 'summary') {
    my ($file, @checks) = @ARGV;
    open my $fh, '<', $file or die "sipclient: $file: $!\n";
    my $text = do { local $/; <$fh> };
    close $fh;
    my $doc = eval { JSON::PP->new->decode($text) };
    if (!$doc || ref $doc ne 'HASH') {
        fail("summary: not one JSON object: $@$text");
        exit 1;
    }
    for my $check (@checks) {
        my ($path, $op, $want) = $check =~ /^([\w.*-]+)(=|>=|<=)(\d+)$/
            or die "sipclient: bad check $check\n";
        my $node = $doc;
        my @parts = split /\./, $path;
        my $got;
        for my $i (0 .. $#parts) {
            if ($parts[$i] eq '*' && ref $node eq 'HASH') {
                $got = 0;
                $got += $_ for values %$node;
                last;
            }
            $node = ref $node eq 'HASH' ? $node->{$parts[$i]} : undef;
            $got = $node // 0 if $i == $#parts;
        }
        my $ok = $op eq '=' ? $got == $want : $op eq '>=' ? $got >= $want : $got <= $want;
        fail("summary: $path is $got, wanted $op $want") unless $ok;
    }
    exit $failed;
}

print STDERR "usage: sipclient.pl freeport|dial|ask|repeat|timer|cancel-unknown|cancel-late|"
           . "sent-by|burst|codes|tcp-framing|raw|summary ...\n";
exit 2;
