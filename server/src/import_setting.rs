//! `tandem import-setting`: the command's choice of settings and what it prints. The
//! copying is `services::store::import_setting`.

use services::store::import_setting::{self, LeftBehind, Outcome};

/// Imports the settings named in `names` (every one there when empty) from the SQLite
/// database at `from` into the server's database. Returns false when any was refused.
pub async fn run(config: &crate::Config, from: &str, names: &[String]) -> anyhow::Result<bool> {
    let available = import_setting::source_settings(from).await?;
    let chosen: Vec<(i64, String)> = if names.is_empty() {
        available
    } else {
        let mut chosen = Vec::new();
        for name in names {
            let found = available
                .iter()
                .find(|(_, there)| there.eq_ignore_ascii_case(name))
                .ok_or_else(|| {
                    let there: Vec<&str> = available.iter().map(|(_, n)| n.as_str()).collect();
                    anyhow::anyhow!(
                        "no setting {name:?} in {from}; it has: {}",
                        there.join(", ")
                    )
                })?;
            chosen.push(found.clone());
        }
        chosen
    };
    let state = crate::prepare(config).await?;
    let mut all_in = true;
    for (id, _) in chosen {
        let outcome = import_setting::import(&state.db, &config.database_url, from, id).await?;
        all_in &= !matches!(outcome, Outcome::Refused { .. });
        println!("{}", describe(&outcome));
    }
    state.db.close().await;
    Ok(all_in)
}

/// What an import did, in words for the IT lead.
pub fn describe(outcome: &Outcome) -> String {
    match outcome {
        Outcome::Imported {
            name,
            setting_id,
            rows,
            left_behind,
        } => {
            let counts: Vec<String> = rows.iter().map(|(t, n)| format!("{t}: {n}")).collect();
            let mut text = format!(
                "Imported \"{name}\" (setting {setting_id} here): {}.",
                counts.join(", ")
            );
            for note in notes(left_behind) {
                text.push_str("\n  ");
                text.push_str(&note);
            }
            text
        }
        Outcome::AlreadyHere { name, setting_id } => {
            format!("\"{name}\" was imported before (setting {setting_id} here): nothing to do.")
        }
        Outcome::Refused { name, clashes } => format!(
            "Not imported: \"{name}\", because {}. Nothing was written for it.",
            clashes.join("; ")
        ),
    }
}

fn notes(left: &LeftBehind) -> Vec<String> {
    let mut notes = Vec::new();
    if left.network_posts + left.network_replies > 0 {
        notes.push(format!(
            "Left in the old database: {} network posts and {} replies in networks (a network's space belongs to all its settings).",
            left.network_posts, left.network_replies
        ));
    }
    if left.sign_on_provider {
        notes.push(
            "Single sign-on was set up there: its admin enters the provider again here (Staff and invites, Single sign-on); people's links to their school accounts came over.".into(),
        );
    }
    notes.push("Everyone signs in again at this server's address.".into());
    notes
}
