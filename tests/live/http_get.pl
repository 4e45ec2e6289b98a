#!/usr/bin/perl
# http_get.pl HOST:PORT|[V6]:PORT PATH OUTBASE [ACCEPT]: one HTTP/1.1 GET,
# the response head in OUTBASE.head and the body in OUTBASE.body; exits 1
# when no complete response comes within 5 seconds. PATH "--big" sends a
# request head of 16 KB instead (for the exporter's size bound). METHOD in the
# environment replaces GET; SPLIT=1 sends the request in two writes 0.3 s
# apart (a slow client).
use strict;
use warnings;
use IO::Socket::IP;

my ($addr, $path, $out, $accept) = @ARGV;
die "usage: http_get.pl ADDR PATH OUTBASE [ACCEPT]\n" unless $out;
my ($host, $port) = $addr =~ /^\[?([^\]]+?)\]?:(\d+)$/ or die "http_get: bad address $addr\n";
my $s = IO::Socket::IP->new(PeerHost => $host, PeerPort => $port, Timeout => 5)
    or die "http_get: connect $addr: $@\n";
my $req;
if ($path eq '--big') {
    $req = "GET /metrics HTTP/1.1\r\nHost: $addr\r\n" . ("X-Filler: " . ("x" x 90) . "\r\n") x 160 . "\r\n";
} else {
    my $method = $ENV{METHOD} // 'GET';
    $req = "$method $path HTTP/1.1\r\nHost: $addr\r\n" . (defined $accept && $accept ne '' ? "Accept: $accept\r\n" : "") . "\r\n";
}
local $SIG{PIPE} = 'IGNORE';
if ($ENV{SPLIT}) {
    $s->syswrite(substr($req, 0, 9));
    select(undef, undef, undef, 0.3);
    $s->syswrite(substr($req, 9));
} else {
    $s->syswrite($req);
}
my $resp = '';
local $SIG{ALRM} = sub { die "http_get: no answer within 5 s\n" };
alarm 5;
while (1) {
    my $n = $s->sysread(my $buf, 65536);
    last unless $n;
    $resp .= $buf;
}
alarm 0;
my ($head, $body) = split /\r\n\r\n/, $resp, 2;
die "http_get: no response head\n" unless defined $body;
open my $h, '>', "$out.head" or die;
print $h $head, "\n";
open my $b, '>', "$out.body" or die;
print $b $body;
