#!/usr/bin/perl
# sip_sender.pl PORT [OTHER_PORT]: sends a fixed set of SIP messages over UDP
# from 127.0.0.1 to 127.0.0.1:PORT, for the live-capture tests. A socket bound
# to PORT receives them, so the kernel sends no ICMP errors back. With
# OTHER_PORT, one more response goes there (to be left out by --port).
#
# What goes to PORT (tests/live/run.sh checks exactly this):
#   INVITE (branch 1) twice: one retransmission; its 100; 180 twice (one
#   retransmission); a forked 180 (other To tag); 486 with Reason Q.850
#   cause 17; ACK; OPTIONS and its 200; REGISTER and its 401; one RTP-like
#   datagram (not SIP). 13 datagrams: requests INVITE 2, ACK 1, OPTIONS 1,
#   REGISTER 1; responses 100 1, 180 3, 200 1, 401 1, 486 1.
#
# sip_sender.pl --tcp PORT: one call over a TCP connection to 127.0.0.1:PORT
# (this script listens there too), cut into segments on purpose: the INVITE
# in three writes, 100 and 180 in one, the 200's status line split after
# "SIP/2.0 2", then ACK, BYE and its 200. Requests INVITE 1, ACK 1, BYE 1;
# responses 100 1, 180 1, 200 2 (INVITE 1, BYE 1).
use strict;
use warnings;
use IO::Socket::INET;
use Socket qw(pack_sockaddr_in inet_aton IPPROTO_TCP TCP_NODELAY);
use Time::HiRes qw(usleep);

my $tcp = @ARGV && $ARGV[0] eq '--tcp' ? shift @ARGV : undef;
my ($port, $other) = @ARGV;
die "usage: sip_sender.pl [--tcp] PORT [OTHER_PORT]\n" unless $port && $port =~ /^\d+$/;
my $me;

sub msg {
    my ($start, $branch, $cseq, $to_tag, @extra) = @_;
    my $to = "<sip:bob\@example.test>" . (defined $to_tag ? ";tag=$to_tag" : "");
    return join("\r\n",
        $start,
        "Via: SIP/2.0/" . ($tcp ? "TCP" : "UDP") . " 127.0.0.1:$me;branch=z9hG4bK$branch",
        "From: <sip:alice\@example.test>;tag=a1",
        "To: $to",
        "Call-ID: live-$branch\@127.0.0.1",
        "CSeq: $cseq",
        "Max-Forwards: 70",
        @extra,
        "Content-Length: 0", "", "");
}

if ($tcp) {
    my $srv = IO::Socket::INET->new(LocalAddr => '127.0.0.1', LocalPort => $port, Listen => 1,
        ReuseAddr => 1, Proto => 'tcp') or die "sip_sender: cannot listen on 127.0.0.1:$port: $!\n";
    my $c = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $port, Proto => 'tcp')
        or die "sip_sender: connect: $!\n";
    my $s = $srv->accept or die "sip_sender: accept: $!\n";
    $me = $c->sockport;
    setsockopt($_, IPPROTO_TCP, TCP_NODELAY, 1) for $c, $s;
    # Each write its own segment: no Nagle, and a pause so none coalesce.
    my $put = sub { my ($sock, $bytes) = @_; $sock->syswrite($bytes) == length($bytes) or die "sip_sender: write: $!\n"; usleep(20000); };
    my $inv = msg("INVITE sip:bob\@example.test SIP/2.0", "t1", "1 INVITE", undef);
    $put->($c, substr($inv, 0, 10));
    $put->($c, substr($inv, 10, 100));
    $put->($c, substr($inv, 110));
    $put->($s, msg("SIP/2.0 100 Trying", "t1", "1 INVITE", undef) . msg("SIP/2.0 180 Ringing", "t1", "1 INVITE", "b1"));
    my $ok = msg("SIP/2.0 200 OK", "t1", "1 INVITE", "b1");
    $put->($s, substr($ok, 0, 9));
    $put->($s, substr($ok, 9));
    $put->($c, msg("ACK sip:bob\@example.test SIP/2.0", "t2", "1 ACK", "b1"));
    $put->($c, msg("BYE sip:bob\@example.test SIP/2.0", "t3", "2 BYE", "b1"));
    $put->($s, msg("SIP/2.0 200 OK", "t3", "2 BYE", "b1"));
    close $c;
    close $s;
    print "6\n";
    exit 0;
}

my $sink = IO::Socket::INET->new(LocalAddr => '127.0.0.1', LocalPort => $port, Proto => 'udp')
    or die "sip_sender: cannot bind 127.0.0.1:$port: $!\n";
my $out = IO::Socket::INET->new(LocalAddr => '127.0.0.1', Proto => 'udp')
    or die "sip_sender: no socket: $!\n";
$me = $out->sockport;

my @to_port = (
    msg("INVITE sip:bob\@example.test SIP/2.0", "inv1", "1 INVITE", undef),
    msg("INVITE sip:bob\@example.test SIP/2.0", "inv1", "1 INVITE", undef),
    msg("SIP/2.0 100 Trying", "inv1", "1 INVITE", undef),
    msg("SIP/2.0 180 Ringing", "inv1", "1 INVITE", "b1"),
    msg("SIP/2.0 180 Ringing", "inv1", "1 INVITE", "b1"),
    msg("SIP/2.0 180 Ringing", "inv1", "1 INVITE", "b2"),
    msg("SIP/2.0 486 Busy Here", "inv1", "1 INVITE", "b1", "Reason: Q.850;cause=17"),
    msg("ACK sip:bob\@example.test SIP/2.0", "inv1", "1 ACK", "b1"),
    msg("OPTIONS sip:bob\@example.test SIP/2.0", "opt1", "2 OPTIONS", undef),
    msg("SIP/2.0 200 OK", "opt1", "2 OPTIONS", "o1"),
    msg("REGISTER sip:example.test SIP/2.0", "reg1", "3 REGISTER", undef),
    msg("SIP/2.0 401 Unauthorized", "reg1", "3 REGISTER", "r1",
        'WWW-Authenticate: Digest realm="example.test", nonce="1"'),
    # RTP version 2, payload type 0: not SIP.
    pack("C C n N N", 0x80, 0, 1, 160, 0x12345678) . ("\xff" x 160),
);

my $dest = pack_sockaddr_in($port, inet_aton('127.0.0.1'));
for my $m (@to_port) {
    defined $out->send($m, 0, $dest) or die "sip_sender: send: $!\n";
    usleep(2000);
}
if ($other) {
    my $odest = pack_sockaddr_in($other, inet_aton('127.0.0.1'));
    defined $out->send(msg("SIP/2.0 603 Decline", "x1", "9 INVITE", "x"), 0, $odest)
        or die "sip_sender: send: $!\n";
}
print scalar(@to_port), "\n";
