//! Proving who owns an account before it changes hands: a new account's address after
//! joining with an open invite code, and an existing account before a school account is
//! linked to it. The proofs themselves are `store::proofs`; the emails go through
//! `store::mail` (and only where the server sends email: `mail::enabled`).

use crate::store::{self, proofs, Db};

/// Starts the proof that lets a school account be linked to `user_id`, for the browser
/// that will hold the returned token.
pub async fn start_link_proof(
    db: &Db,
    user_id: i64,
    issuer: &str,
    subject: &str,
) -> Result<String, sqlx::Error> {
    let mut tx = store::write(db).await?;
    let token = proofs::start(
        &mut tx,
        user_id,
        proofs::Purpose::Link,
        Some((issuer, subject)),
    )
    .await?;
    tx.commit().await?;
    Ok(token)
}

/// Starts the proof of a new account's address (see `auth::join`).
pub async fn start_join_proof(
    tx: &mut store::WriteTx,
    user_id: i64,
) -> Result<String, sqlx::Error> {
    proofs::start(tx, user_id, proofs::Purpose::Join, None).await
}

/// Emails a code for this browser's proof (where Tandem sends email).
pub async fn send_code(
    db: &Db,
    token: &str,
) -> Result<Result<String, proofs::NotSent>, sqlx::Error> {
    let sent = proofs::send_code(db, token, |p, code| {
        crate::mail::code_message(p.purpose, &p.display_name, code)
    })
    .await?;
    if sent.is_ok() {
        crate::mail::wake();
    }
    Ok(sent)
}

/// Tells the account's owner that a school account was linked to it (by email, where
/// Tandem sends email; their profile lists every link either way).
pub async fn tell_of_link(db: &Db, user_id: i64, provider: &str) -> Result<(), sqlx::Error> {
    if !crate::mail::enabled() {
        return Ok(());
    }
    let Some((email, name)) = store::users::address(db, user_id).await? else {
        return Ok(());
    };
    let (subject, body) = crate::mail::linked_message(&name, provider);
    let mut tx = store::write(db).await?;
    store::mail::queue(&mut tx, Some(user_id), &email, &name, &subject, &body).await?;
    tx.commit().await?;
    crate::mail::wake();
    Ok(())
}

/// Finishes a proof the person passed (the right code, or for a link the account's
/// password): the address counts as proved, and for a link the school account is linked
/// (`how` says how the owner proved it). Returns the account, or None when the proof had
/// already ended (another tab finished it, or its last try was used up meanwhile).
pub async fn finish(db: &Db, proof: &proofs::Proof, how: &str) -> Result<Option<i64>, sqlx::Error> {
    let mut tx = store::write(db).await?;
    if !proofs::finish(&mut tx, &proof.id).await? {
        return Ok(None);
    }
    store::users::mark_proved(&mut tx, proof.user_id).await?;
    if let (proofs::Purpose::Link, Some(issuer), Some(subject)) =
        (proof.purpose, &proof.issuer, &proof.subject)
    {
        store::single_sign_on::link_in(&mut tx, issuer, subject, proof.user_id, how).await?;
    }
    tx.commit().await?;
    Ok(Some(proof.user_id))
}

/// Emails a link to set a new password to the active account with this address, if there
/// is one (the caller says the same either way). Where Tandem sends email only.
pub async fn email_reset_link(db: &Db, email: &str) -> Result<(), sqlx::Error> {
    let Some(c) = store::users::credentials_by_email(db, email).await? else {
        return Ok(());
    };
    if !c.active {
        return Ok(());
    }
    let token = store::password_resets::new_token();
    store::password_resets::create(db, c.id, &token, None).await?;
    let (subject, body) = crate::mail::reset_message(&c.display_name, &token);
    let mut tx = store::write(db).await?;
    store::mail::queue(
        &mut tx,
        Some(c.id),
        &c.email,
        &c.display_name,
        &subject,
        &body,
    )
    .await?;
    tx.commit().await?;
    crate::mail::wake();
    Ok(())
}
