use super::now;
use domain::model::Sector;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Setting {
    pub id: i64,
    pub name: String,
    pub default_sector: Sector,
}

#[engines::both]
mod sql {
    use super::*;

    pub async fn create(db: &Db, name: &str, default_sector: Sector) -> Result<i64, sqlx::Error> {
        let mut tx = write(db).await?;
        let at = now();
        let id = sqlx::query_scalar!(
        r#"INSERT INTO settings (name, default_sector, created_at) VALUES ($1, $2, $3) RETURNING id AS "id!""#,
        name,
        default_sector as _,
        at
    )
    .fetch_one(&mut *tx)
    .await?;
        tx.commit().await?;
        Ok(id)
    }

    pub async fn list(db: &Db) -> Result<Vec<Setting>, sqlx::Error> {
        sqlx::query_as!(
        Setting,
        r#"SELECT id AS "id!", name, default_sector AS "default_sector: Sector" FROM settings ORDER BY id"#
    )
    .fetch_all(db.pool())
    .await
    }

    /// Sets the time zone (an IANA name the caller has checked) in which everyone in a setting
    /// sees dates.
    pub async fn set_time_zone(db: &Db, setting_id: i64, zone: &str) -> Result<(), sqlx::Error> {
        let mut tx = write(db).await?;
        sqlx::query!(
            "UPDATE settings SET time_zone = $1 WHERE id = $2",
            zone,
            setting_id
        )
        .execute(&mut *tx)
        .await?;
        tx.commit().await
    }

    /// Whether the setting's staff imports email invites to any address (the operator's
    /// choice), or only to its approved sign-in domains.
    pub async fn set_invite_mail_any(
        db: &Db,
        setting_id: i64,
        any: bool,
    ) -> Result<(), sqlx::Error> {
        let mut tx = write(db).await?;
        sqlx::query!(
            "UPDATE settings SET invite_mail_any = $1 WHERE id = $2",
            any,
            setting_id
        )
        .execute(&mut *tx)
        .await?;
        tx.commit().await
    }

    /// Finds a setting by id or by exact name, as the command line accepts either.
    pub async fn find(db: &Db, id_or_name: &str) -> Result<Option<Setting>, sqlx::Error> {
        let id = id_or_name.parse::<i64>().ok();
        Ok(list(db)
            .await?
            .into_iter()
            .find(|s| Some(s.id) == id || s.name.eq_ignore_ascii_case(id_or_name.trim())))
    }

    pub async fn count(db: &Db) -> Result<i64, sqlx::Error> {
        sqlx::query_scalar!(r#"SELECT COUNT(*) AS "n!: i64" FROM settings"#)
            .fetch_one(db.pool())
            .await
    }
}
