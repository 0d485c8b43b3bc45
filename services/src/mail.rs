//! Email digests, sent only when SMTP is configured: a SENCo hears about new submissions,
//! an author about new feedback. One email per person per run, never one per event, and
//! a failed send leaves the watermark alone so the next run tries again.

use crate::store::digest::{self, DigestLine};
use crate::store::Db;
use domain::content::Course;
use lettre::message::{header::ContentType, Mailbox};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::time::Duration;

#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    /// Where links in emails point, e.g. `https://tandem.school.example`.
    public_url: String,
}

impl Mailer {
    /// `smtp_url` as lettre reads it: `smtps://user:pass@host` (TLS),
    /// `smtp://user:pass@host:587?tls=required` (STARTTLS) or `smtp://host:2525` (plain,
    /// for a relay on the same machine or a test server).
    pub fn new(smtp_url: &str, from: &str, public_url: &str) -> anyhow::Result<Mailer> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(smtp_url)
            .map_err(|e| anyhow::anyhow!("TANDEM_SMTP_URL is not usable: {e}"))?
            .timeout(Some(Duration::from_secs(20)))
            .build();
        let from = from
            .parse()
            .map_err(|e| anyhow::anyhow!("TANDEM_MAIL_FROM is not an email address: {e}"))?;
        Ok(Mailer {
            transport,
            from,
            public_url: public_url.trim_end_matches('/').to_string(),
        })
    }
}

impl Mailer {
    /// Sends one plain-text email. The outer error: the message cannot be made; the inner
    /// one: the server did not take it (tried again next round).
    async fn send(
        &self,
        to: Mailbox,
        subject: String,
        body: String,
    ) -> anyhow::Result<Result<(), lettre::transport::smtp::Error>> {
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .header(ContentType::TEXT_PLAIN)
            .body(body)?;
        Ok(self.transport.send(message).await.map(|_| ()))
    }
}

/// The subject and plain-text body of one person's digest.
pub fn compose(course: &Course, lines: &[DigestLine], public_url: &str) -> (String, String) {
    let first = &lines[0];
    compose_for(
        course,
        (&first.recipient_name, &first.time_zone),
        lines,
        None,
        public_url,
    )
}

/// One person's digest (`to`: their name and time zone), with a check-in reminder if one
/// is due (`check_ins::reminders`).
pub fn compose_for(
    course: &Course,
    to: (&str, &str),
    lines: &[DigestLine],
    reminder: Option<&str>,
    public_url: &str,
) -> (String, String) {
    let name = to.0.split_whitespace().next().unwrap_or("there");
    let community =
        |l: &&DigestLine| domain::community::post_of_tried_key(&l.section_key).is_some();
    let threads: Vec<&DigestLine> = lines.iter().filter(community).collect();
    let submissions: Vec<&DigestLine> = lines
        .iter()
        .filter(|l| l.event.is_none() && !community(l))
        .collect();
    let replies: Vec<&DigestLine> = lines.iter().filter(|l| l.event.is_some()).collect();
    let zone = domain::zone::Zone::stored(to.1);
    let describe = |l: &DigestLine| {
        let place = crate::learning_log::place(course, &l.section_key);
        let place = match place.module_number {
            0 => place.section_title,
            n => format!("Module {n}, {}", place.section_title),
        };
        let question = crate::learning_log::question(course, &l.section_key, &l.prompt_key);
        format!("{place}: \"{question}\" ({})", zone.date(l.at))
    };
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let mut body = format!("Hello {name},\n\n");
    let mut subject = Vec::new();
    if !submissions.is_empty() {
        subject.push(format!(
            "{} waiting for your review",
            plural(submissions.len(), "entry", "entries")
        ));
        body.push_str("Your staff have submitted learning log entries for review:\n\n");
        for l in &submissions {
            body.push_str(&format!("- {}, {}\n", l.actor, describe(l)));
        }
        body.push_str(&format!(
            "\nOpen your review queue: {public_url}/review\n\n"
        ));
    }
    if !replies.is_empty() {
        subject.push(plural(replies.len(), "new reply", "new replies"));
        body.push_str("You have feedback on your learning log:\n\n");
        for l in &replies {
            let what = l.event.map_or("Feedback", |a| a.label());
            body.push_str(&format!("- {what} from {}, {}\n", l.actor, describe(l)));
        }
        body.push_str(&format!(
            "\nRead it in your learning log: {public_url}/log\n\n"
        ));
    }
    if !threads.is_empty() {
        subject.push(plural(
            threads.len(),
            "new reply in the community",
            "new replies in the community",
        ));
        body.push_str("There are new replies on community threads you follow:\n\n");
        for l in &threads {
            body.push_str(&format!("- {} replied ({})\n", l.actor, zone.date(l.at)));
        }
        body.push_str(&format!(
            "\nRead them in the community: {public_url}/community\n\n"
        ));
    }
    if let Some(line) = reminder {
        subject.push("a check-in on your CPD plan".to_string());
        body.push_str(&format!(
            "Your CPD plan:\n\n- {line}\n\nAnswer it on your plan: {public_url}/plan#check-ins\n\n"
        ));
    }
    body.push_str(
        "This is a summary from Tandem. It never contains what anyone wrote: sign in to read it.\n",
    );
    (format!("Tandem: {}", subject.join(", ")), body)
}

/// A recipient from a name and an address, each as itself: a display name with `<`, `,` or
/// quotes in it can never add or change an address (it is quoted, not parsed).
pub fn mailbox(name: &str, email: &str) -> Option<Mailbox> {
    let address = email.parse().ok()?;
    let name = name.chars().filter(|c| !c.is_control()).collect::<String>();
    Some(Mailbox::new(Some(name), address))
}

/// Sends every pending digest once, with any check-in reminder (at most one a week).
/// Returns how many emails went out.
pub async fn send_digests(db: &Db, course: &Course, mailer: &Mailer) -> anyhow::Result<usize> {
    let pending = digest::pending(db).await?;
    let now = crate::store::now();
    let mut reminders = crate::check_ins::reminders(db, now).await?;
    let mut sent = 0;
    let mut people: Vec<(&[DigestLine], Option<crate::check_ins::Reminder>)> = pending
        .chunk_by(|a, b| a.recipient_id == b.recipient_id)
        .map(|lines| {
            let at = reminders
                .iter()
                .position(|r| r.user_id == lines[0].recipient_id);
            (lines, at.map(|i| reminders.swap_remove(i)))
        })
        .collect();
    people.extend(reminders.into_iter().map(|r| (&[][..], Some(r))));
    for (lines, reminder) in people {
        let (id, name, email, zone) = match (lines.first(), &reminder) {
            (Some(l), _) => (
                l.recipient_id,
                &l.recipient_name,
                &l.recipient_email,
                &l.time_zone,
            ),
            (None, Some(r)) => (r.user_id, &r.name, &r.email, &r.time_zone),
            (None, None) => continue,
        };
        let line = reminder.as_ref().map(|r| r.line.as_str());
        let (subject, body) = compose_for(course, (name, zone), lines, line, &mailer.public_url);
        let Some(to) = mailbox(name, email) else {
            tracing::warn!(user = id, "no digest: address not usable");
            continue;
        };
        match mailer.send(to, subject, body).await? {
            Ok(()) => {
                if let Some(through) = lines.iter().map(|l| l.at).max() {
                    digest::mark_sent(db, id, through).await?;
                }
                if reminder.is_some() {
                    crate::store::plans::mark_reminded(db, id, now).await?;
                }
                crate::metrics::digest(true);
                sent += 1;
            }
            Err(e) => {
                crate::metrics::digest(false);
                tracing::warn!(user = id, "digest not sent, will retry: {e}")
            }
        }
    }
    Ok(sent)
}

/// The email that brings someone an import made: their code and where to use it.
pub fn invite_message(name: &str, setting: &str, code: &str, public_url: &str) -> (String, String) {
    let subject = format!("Your invitation to Tandem from {setting}");
    // Short lines: the message stays plain 7-bit text, so the link and code arrive as typed.
    let body = format!(
        "Hello {name},\n\n\
         {setting} uses Tandem for professional development in\n\
         special educational needs and disabilities.\n\n\
         Create your account with this invite code. It works once,\n\
         for this email address, for {days} days:\n\n    {code}\n\n\
         {public_url}/join?code={code}\n\n\
         If your setting signs in with Microsoft 365 or Google\n\
         Workspace, you can instead choose \"Continue with your school\n\
         account\" on the sign-in page.\n",
        days = crate::store::staff_import::INVITE_DAYS,
    );
    (subject, body)
}

/// The email with a code that proves the person owns their address: after joining with an
/// open invite code, or before a school account is linked to their Tandem account.
pub fn code_message(
    purpose: crate::store::proofs::Purpose,
    name: &str,
    code: &str,
) -> (String, String) {
    use crate::store::proofs::Purpose;
    let first = name.split_whitespace().next().unwrap_or("there");
    let why = match purpose {
        Purpose::Join => "You created a Tandem account with this email address.\nTo confirm it is yours, enter this code on the page\nyou are on:",
        Purpose::Link => "Someone is linking a school sign-in account (Microsoft\nor Google) to your Tandem account. If that is you, enter\nthis code on the page you are on:",
    };
    let body = format!(
        "Hello {first},\n\n{why}\n\n    {code}\n\n\
         The code works for 30 minutes, on that device only.\n\n\
         If this was not you, do not enter the code and tell your\n\
         setting admin. Nobody at your school or at Tandem will\n\
         ever ask you for it.\n"
    );
    (format!("Your Tandem code: {code}"), body)
}

/// The email with a link to set a new password (asked for on the sign-in page's "Forgotten
/// your password?"). `{PUBLIC_URL}` is filled in when it is sent.
pub fn reset_message(name: &str, token: &str) -> (String, String) {
    let first = name.split_whitespace().next().unwrap_or("there");
    let body = format!(
        "Hello {first},\n\n\
         Someone asked to set a new password for your Tandem\n\
         account. If that was you, open this link within an hour:\n\n\
         {PUBLIC_URL}/reset-password?token={token}\n\n\
         It works once. Your learning log and progress stay as they\n\
         are.\n\n\
         If this was not you, you need do nothing: your password\n\
         has not changed.\n"
    );
    ("Set a new Tandem password".to_string(), body)
}

/// The notice that a school account was linked to a Tandem account: sent every time, so a
/// link nobody asked for is seen. (`{PUBLIC_URL}` is filled in when it is sent.)
pub fn linked_message(name: &str, account: &str) -> (String, String) {
    let first = name.split_whitespace().next().unwrap_or("there");
    let body = format!(
        "Hello {first},\n\n\
         A {account} was linked to your Tandem account just now.\n\
         You can sign in with it from now on.\n\n\
         If this was not you, remove the link on your profile and\n\
         tell your setting admin:\n\n\
         {PUBLIC_URL}/profile#sign-in-links\n"
    );
    (
        "A school account was linked to your Tandem account".to_string(),
        body,
    )
}

static ENABLED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Marks this server as one that sends email (`spawn` does; tests that read the outbox too).
pub fn turn_on() {
    ENABLED.store(true, std::sync::atomic::Ordering::Relaxed);
}

/// Whether this server sends email (`TANDEM_SMTP_URL` is set: `spawn` ran). Without it,
/// nothing is queued that only an email could deliver, and admins confirm new people.
pub fn enabled() -> bool {
    ENABLED.load(std::sync::atomic::Ordering::Relaxed)
}

/// Stands for the address people use, in a queued email's body (the server that sends it
/// knows it; the request that queued it may not).
pub const PUBLIC_URL: &str = "{tandem-public-url}";

/// Wakes the outbox sender: an email was queued that someone is waiting for (a code).
static WAKE: std::sync::LazyLock<tokio::sync::Notify> =
    std::sync::LazyLock::new(tokio::sync::Notify::new);

pub fn wake() {
    WAKE.notify_one();
}

/// Sends what waits in the mail outbox, oldest first. Returns how many went out.
pub async fn send_outbox(db: &Db, mailer: &Mailer) -> anyhow::Result<usize> {
    let mut sent = 0;
    for mail in crate::store::mail::waiting(db, 100).await? {
        let Some(to) = mailbox(&mail.to_name, &mail.to_email) else {
            crate::store::mail::sent(db, mail.id).await?;
            continue;
        };
        let body = mail.body.replace(PUBLIC_URL, &mailer.public_url);
        match mailer.send(to, mail.subject, body).await? {
            Ok(()) => {
                crate::store::mail::sent(db, mail.id).await?;
                sent += 1;
            }
            Err(e) => tracing::warn!("email not sent, will retry: {e}"),
        }
    }
    Ok(sent)
}

/// Invite emails one setting may send in a day (a staff import of a large college fits;
/// a runaway or hostile import does not go on and on).
pub const INVITES_PER_SETTING_PER_DAY: i64 = 500;

/// Emails the personal invites staff imports made, once each, to addresses in the
/// setting's approved sign-in domains (or anywhere, where the operator allowed it), within
/// the daily limit. Returns how many went out.
pub async fn send_invites(db: &Db, mailer: &Mailer) -> anyhow::Result<usize> {
    let mut sent = 0;
    for (code, name, email, setting) in
        crate::store::staff_import::unsent_invites(db, INVITES_PER_SETTING_PER_DAY).await?
    {
        let Some(to) = mailbox(&name, &email) else {
            continue;
        };
        let (subject, body) = invite_message(&name, &setting, &code, &mailer.public_url);
        match mailer.send(to, subject, body).await? {
            Ok(()) => {
                crate::store::staff_import::mark_emailed(db, &code).await?;
                sent += 1;
            }
            Err(e) => tracing::warn!("invite not emailed, will retry: {e}"),
        }
    }
    Ok(sent)
}

/// How long the mail outbox's lease lasts: beyond the half minute between its turns.
const MAIL_LEASE: Duration = Duration::from_secs(90);

/// One turn of the email digests, if this server holds the job (`jobs`): Some(emails sent),
/// or None while another server does. `every` is the time between turns.
pub async fn digest_turn(
    db: &Db,
    course: &Course,
    mailer: &Mailer,
    every: Duration,
) -> anyhow::Result<Option<usize>> {
    let lease = (every * 2).max(Duration::from_secs(600));
    if !crate::jobs::ours(db, "digests", lease).await {
        return Ok(None);
    }
    send_digests(db, course, mailer).await.map(Some)
}

/// One turn of the mail outbox and invites, if this server holds the job.
pub async fn outbox_turn(db: &Db, mailer: &Mailer) -> Option<(usize, usize)> {
    if !crate::jobs::ours(db, "mail", MAIL_LEASE).await {
        return None;
    }
    let outbox = send_outbox(db, mailer).await.unwrap_or_else(|e| {
        tracing::warn!("sending email failed, will retry: {e}");
        0
    });
    let invites = send_invites(db, mailer).await.unwrap_or_else(|e| {
        tracing::warn!("emailing invites failed, will retry: {e}");
        0
    });
    Some((outbox, invites))
}

/// Sends digests every `every`, new invites within half a minute, and codes and notices
/// at once (`wake`), for as long as the server runs. With several app servers on one database, only the
/// server holding a job's lease sends (the others' turns are skipped), so nothing goes
/// twice; a code queued on another server goes within the half minute.
pub fn spawn(db: Db, course: std::sync::Arc<Course>, mailer: Mailer, every: Duration) {
    turn_on();
    {
        let (db, mailer) = (db.clone(), mailer.clone());
        tokio::spawn(async move {
            loop {
                // Woken by a queued code, or every half minute for invites and retries.
                let _ = tokio::time::timeout(Duration::from_secs(30), WAKE.notified()).await;
                match outbox_turn(&db, &mailer).await {
                    Some((0, 0)) | None => {}
                    Some((sent, invites)) => {
                        tracing::info!("sent {sent} emails and {invites} invites")
                    }
                }
            }
        });
    }
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            match digest_turn(&db, &course, &mailer, every).await {
                Ok(Some(0)) | Ok(None) => {}
                Ok(Some(n)) => tracing::info!("sent {n} email digests"),
                Err(e) => tracing::warn!("email digests failed, will retry: {e}"),
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::mailbox;

    #[test]
    fn a_display_name_cannot_add_an_address() {
        let to = mailbox("Sam <evil@example.com>, Other", "sam@oakfield.example").unwrap();
        assert_eq!(to.email.to_string(), "sam@oakfield.example");
        let header = to.to_string();
        assert!(header.ends_with("<sam@oakfield.example>"), "{header}");
        assert_eq!(
            header.matches('@').count(),
            2,
            "the name is quoted text: {header}"
        );
        assert!(mailbox("Sam", "not an address").is_none());
    }
}
