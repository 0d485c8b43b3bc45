//! Where a request comes from: the client's address (behind a reverse proxy only when the
//! proxy is one we were told to trust), and whether a state-changing request came from our
//! own pages.

use std::net::IpAddr;
use std::str::FromStr;

/// An address or a network (`192.168.0.10`, `10.0.0.0/8`, `fd00::/8`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cidr {
    net: IpAddr,
    prefix: u8,
}

impl FromStr for Cidr {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        let (ip, prefix) = match s.split_once('/') {
            Some((ip, prefix)) => (ip, Some(prefix)),
            None => (s, None),
        };
        let net: IpAddr = ip
            .parse()
            .map_err(|_| format!("{s:?} is not an IP address or network"))?;
        let max = if net.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            Some(p) => p
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= max)
                .ok_or_else(|| format!("{s:?}: the prefix must be 0 to {max}"))?,
            None => max,
        };
        Ok(Cidr { net, prefix })
    }
}

impl Cidr {
    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        match (self.net, ip) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = u32::MAX.checked_shl(32 - self.prefix as u32).unwrap_or(0);
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = u128::MAX.checked_shl(128 - self.prefix as u32).unwrap_or(0);
                u128::from(net) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }
}

/// `::ffff:10.0.0.1` is `10.0.0.1`.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(ip),
        v4 => v4,
    }
}

/// Whether single sign-on may talk to a provider on this machine over plain http
/// (`TANDEM_TEST_SSO_LOOPBACK=true`): only the test suites set it, for their own provider.
pub fn sso_loopback_http() -> bool {
    std::env::var("TANDEM_TEST_SSO_LOOPBACK").is_ok_and(|v| v == "true")
}

/// `TANDEM_TRUSTED_PROXIES`: addresses or networks, separated by commas or spaces.
pub fn parse_trusted(list: &str) -> Result<Vec<Cidr>, String> {
    list.split([',', ' '])
        .filter(|s| !s.trim().is_empty())
        .map(str::parse)
        .collect()
}

/// The client's address. Behind trusted proxies it is the last address in
/// `X-Forwarded-For` that is not itself a trusted proxy; from anyone else the header is
/// ignored (a client can write whatever it likes there).
pub fn client_ip(peer: IpAddr, forwarded_for: Option<&str>, trusted: &[Cidr]) -> IpAddr {
    let is_trusted = |ip: IpAddr| trusted.iter().any(|c| c.contains(ip));
    if !is_trusted(peer) {
        return canonical(peer);
    }
    let mut client = canonical(peer);
    for hop in forwarded_for.unwrap_or_default().rsplit(',') {
        match hop.trim().parse::<IpAddr>() {
            Ok(ip) => {
                client = canonical(ip);
                if !is_trusted(client) {
                    break;
                }
            }
            // A garbled entry: stop at the last address we could trust.
            Err(_) => break,
        }
    }
    client
}

/// Why a state-changing request is refused, if it is: it must come from one of our own
/// pages. `public_origin` is `TANDEM_PUBLIC_URL`'s scheme, host and port when set; without
/// it, the Origin's host must be the request's Host. Fails closed: no Origin, no Referer
/// and no `Sec-Fetch-Site: same-origin` is refused.
pub fn foreign_request(
    origin: Option<&str>,
    referer: Option<&str>,
    sec_fetch_site: Option<&str>,
    host: Option<&str>,
    public_origin: Option<&str>,
) -> Option<&'static str> {
    if sec_fetch_site == Some("cross-site") {
        return Some("cross-site request");
    }
    let source = match (origin, referer) {
        (Some("null"), _) => return Some("opaque origin"),
        (Some(origin), _) => origin_of(origin),
        (None, Some(referer)) => origin_of(referer),
        (None, None) if sec_fetch_site == Some("same-origin") => return None,
        (None, None) => return Some("no origin"),
    };
    let Some(source) = source else {
        return Some("unreadable origin");
    };
    let ours = match public_origin {
        Some(public) => origin_of(public).is_some_and(|p| p.eq_ignore_ascii_case(&source)),
        None => host.is_some_and(|h| {
            source
                .split_once("://")
                .is_some_and(|(_, authority)| authority.eq_ignore_ascii_case(h))
        }),
    };
    (!ours).then_some("another site")
}

/// `https://Host:443/path?q` → `https://host:443`; None for anything that is not a URL.
pub fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    let valid = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    };
    if !valid(scheme)
        || authority.is_empty()
        || authority.contains('@')
        || authority
            .chars()
            .any(|c| c.is_control() || c.is_whitespace())
    {
        return None;
    }
    Some(format!(
        "{}://{}",
        scheme.to_ascii_lowercase(),
        authority.to_ascii_lowercase()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn networks_contain_their_addresses() {
        let net: Cidr = "10.0.0.0/8".parse().unwrap();
        assert!(net.contains(ip("10.1.2.3")));
        assert!(net.contains(ip("::ffff:10.1.2.3")));
        assert!(!net.contains(ip("11.0.0.1")));
        let one: Cidr = "192.168.0.10".parse().unwrap();
        assert!(one.contains(ip("192.168.0.10")) && !one.contains(ip("192.168.0.11")));
        let v6: Cidr = "fd00::/8".parse().unwrap();
        assert!(v6.contains(ip("fd12::1")) && !v6.contains(ip("fe80::1")));
        let all: Cidr = "0.0.0.0/0".parse().unwrap();
        assert!(all.contains(ip("8.8.8.8")));
        assert!("10.0.0.0/33".parse::<Cidr>().is_err());
        assert!("proxy.school".parse::<Cidr>().is_err());
        assert_eq!(parse_trusted("127.0.0.1, 10.0.0.0/8").unwrap().len(), 2);
        assert_eq!(parse_trusted("").unwrap(), vec![]);
    }

    #[test]
    fn forwarded_for_is_believed_only_from_trusted_proxies() {
        let proxies = parse_trusted("10.0.0.0/8").unwrap();
        // Straight from the internet: the header is the client's own invention.
        assert_eq!(
            client_ip(ip("203.0.113.9"), Some("1.2.3.4"), &proxies),
            ip("203.0.113.9")
        );
        // Through our proxy: the address it saw.
        assert_eq!(
            client_ip(ip("10.0.0.2"), Some("1.2.3.4, 198.51.100.7"), &proxies),
            ip("198.51.100.7")
        );
        // Through two of ours: past both.
        assert_eq!(
            client_ip(ip("10.0.0.2"), Some("198.51.100.7, 10.0.0.3"), &proxies),
            ip("198.51.100.7")
        );
        // No proxies configured: the peer, whatever the header says.
        assert_eq!(
            client_ip(ip("10.0.0.2"), Some("1.2.3.4"), &[]),
            ip("10.0.0.2")
        );
        // A garbled header: the proxy itself, not a guess.
        assert_eq!(
            client_ip(ip("10.0.0.2"), Some("not an address"), &proxies),
            ip("10.0.0.2")
        );
    }

    #[test]
    fn state_changing_requests_must_come_from_our_pages() {
        let host = Some("tandem.school.uk");
        let ok = |o, r, s, p| foreign_request(o, r, s, host, p).is_none();
        assert!(ok(Some("https://tandem.school.uk"), None, None, None));
        assert!(ok(None, Some("https://tandem.school.uk/log?x"), None, None));
        assert!(ok(None, None, Some("same-origin"), None));
        assert!(!ok(Some("https://evil.example"), None, None, None));
        assert!(!ok(Some("null"), None, None, None), "an opaque origin");
        assert!(!ok(None, None, None, None), "nothing to go on: refused");
        assert!(!ok(
            Some("https://tandem.school.uk"),
            None,
            Some("cross-site"),
            None
        ));
        assert!(!ok(Some("javascript:alert(1)"), None, None, None));
        // With a public URL the scheme and port must match too.
        let public = Some("https://tandem.school.uk");
        assert!(ok(Some("https://tandem.school.uk"), None, None, public));
        assert!(!ok(Some("http://tandem.school.uk"), None, None, public));
        assert!(!ok(
            Some("https://tandem.school.uk:8443"),
            None,
            None,
            public
        ));
        assert!(ok(Some("HTTPS://Tandem.School.UK"), None, None, public));
    }
}
