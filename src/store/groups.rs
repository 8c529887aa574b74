//! SQL for groups and their members.

use rusqlite::{Connection, OptionalExtension, Row, params};

use crate::error::Result;
use crate::store::users::UserRow;

/// A stored group.
#[derive(Debug, Clone)]
pub struct GroupRow {
    /// Row id (listing order).
    pub pk: i64,
    /// Pool.
    pub pool_id: String,
    /// GroupName.
    pub name: String,
    /// Description.
    pub description: Option<String>,
    /// RoleArn.
    pub role_arn: Option<String>,
    /// Precedence (lower wins).
    pub precedence: Option<i64>,
    /// CreationDate.
    pub created_at: f64,
    /// LastModifiedDate.
    pub updated_at: f64,
}

const COLUMNS: &str =
    "pk, pool_id, name, description, role_arn, precedence, created_at, updated_at";
const G_COLUMNS: &str =
    "g.pk, g.pool_id, g.name, g.description, g.role_arn, g.precedence, g.created_at, g.updated_at";

/// A user's groups. The join is written so the user's row id reaches no term the planner weighs by
/// value: SQLite re-prepares a statement on every new binding of such a parameter (`user_pk = ?1` as a
/// filter on a join's other side did), which cost ~5% of a password sign-in's CPU.
fn of_user_sql() -> String {
    format!(
        "SELECT {G_COLUMNS} FROM groups g
         WHERE g.pk IN (SELECT group_pk FROM group_members WHERE user_pk = ?1)
         ORDER BY g.precedence IS NULL, g.precedence, g.name"
    )
}

fn from_row(r: &Row<'_>) -> rusqlite::Result<GroupRow> {
    Ok(GroupRow {
        pk: r.get(0)?,
        pool_id: r.get(1)?,
        name: r.get(2)?,
        description: r.get(3)?,
        role_arn: r.get(4)?,
        precedence: r.get(5)?,
        created_at: r.get(6)?,
        updated_at: r.get(7)?,
    })
}

/// Inserts a group; `Err` with a UNIQUE violation when the name is taken.
pub fn insert(
    c: &Connection,
    pool_id: &str,
    name: &str,
    description: Option<&str>,
    role_arn: Option<&str>,
    precedence: Option<i64>,
    now: f64,
) -> rusqlite::Result<()> {
    c.prepare_cached(
        "INSERT INTO groups (pool_id, name, description, role_arn, precedence, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
    )?
    .execute(params![pool_id, name, description, role_arn, precedence, now])?;
    Ok(())
}

/// The group `name` of a pool.
pub fn get(c: &Connection, pool_id: &str, name: &str) -> Result<Option<GroupRow>> {
    Ok(c.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM groups WHERE pool_id = ?1 AND name = ?2"
    ))?
    .query_row(params![pool_id, name], from_row)
    .optional()?)
}

/// Replaces description, role and precedence.
pub fn update(
    c: &Connection,
    pk: i64,
    description: Option<&str>,
    role_arn: Option<&str>,
    precedence: Option<i64>,
    now: f64,
) -> Result<()> {
    c.prepare_cached("UPDATE groups SET description = ?2, role_arn = ?3, precedence = ?4, updated_at = ?5 WHERE pk = ?1")?
        .execute(params![pk, description, role_arn, precedence, now])?;
    Ok(())
}

/// Deletes a group (memberships go by cascade).
pub fn delete(c: &Connection, pk: i64) -> Result<()> {
    c.prepare_cached("DELETE FROM groups WHERE pk = ?1")?
        .execute([pk])?;
    Ok(())
}

/// Up to `limit` groups of a pool after row `after`.
pub fn list(c: &Connection, pool_id: &str, after: i64, limit: usize) -> Result<Vec<GroupRow>> {
    let mut stmt = c.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM groups WHERE pool_id = ?1 AND pk > ?2 ORDER BY pk LIMIT ?3"
    ))?;
    let rows = stmt
        .query_map(params![pool_id, after, limit as i64], from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// Number of groups in a pool.
pub fn count(c: &Connection, pool_id: &str) -> Result<i64> {
    Ok(
        c.prepare_cached("SELECT count(*) FROM groups WHERE pool_id = ?1")?
            .query_row([pool_id], |r| r.get(0))?,
    )
}

/// Adds a user to a group (no-op when already a member).
pub fn add_member(c: &Connection, group_pk: i64, user_pk: i64, now: f64) -> Result<()> {
    c.prepare_cached(
        "INSERT OR IGNORE INTO group_members (group_pk, user_pk, added_at) VALUES (?1, ?2, ?3)",
    )?
    .execute(params![group_pk, user_pk, now])
    .map_err(|e| {
        super::referenced(
            c,
            e,
            &[super::Ref::Group(group_pk), super::Ref::User(user_pk)],
        )
    })?;
    Ok(())
}

/// Removes a user from a group.
pub fn remove_member(c: &Connection, group_pk: i64, user_pk: i64) -> Result<()> {
    c.prepare_cached("DELETE FROM group_members WHERE group_pk = ?1 AND user_pk = ?2")?
        .execute(params![group_pk, user_pk])?;
    Ok(())
}

/// The groups of a user, by precedence (lowest first, unset last), then name.
pub fn of_user(c: &Connection, user_pk: i64) -> Result<Vec<GroupRow>> {
    let mut stmt = c.prepare_cached(&of_user_sql())?;
    let rows = stmt
        .query_map([user_pk], from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// A page of a user's groups after position `after` (by group row id).
pub fn of_user_page(
    c: &Connection,
    user_pk: i64,
    after: i64,
    limit: usize,
) -> Result<Vec<GroupRow>> {
    let mut stmt = c.prepare_cached(&format!(
        "SELECT {G_COLUMNS} FROM groups g
         WHERE g.pk IN (SELECT group_pk FROM group_members WHERE user_pk = ?1) AND g.pk > ?2
         ORDER BY g.pk LIMIT ?3"
    ))?;
    let rows = stmt
        .query_map(params![user_pk, after, limit as i64], from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// A page of a group's members after user row `after`.
pub fn members(c: &Connection, group_pk: i64, after: i64, limit: usize) -> Result<Vec<UserRow>> {
    let mut stmt = c.prepare_cached(&format!(
        "SELECT {} FROM group_members m JOIN users u ON u.pk = m.user_pk
         WHERE m.group_pk = ?1 AND u.pk > ?2 ORDER BY u.pk LIMIT ?3",
        super::users::U_COLUMNS
    ))?;
    let rows = stmt
        .query_map(
            params![group_pk, after, limit as i64],
            super::users::from_row,
        )?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use rusqlite::StatementStatus;

    use super::*;
    use crate::store::Store;

    #[test]
    fn a_users_groups_are_read_without_re_preparing_the_statement() {
        let store = Store::open(None).unwrap();
        let reprepared = store
            .read(|c| {
                for user_pk in 1..5 {
                    assert!(of_user(c, user_pk)?.is_empty());
                }
                let stmt = c.prepare_cached(&of_user_sql())?;
                Ok(stmt.get_status(StatementStatus::RePrepare))
            })
            .unwrap();
        assert_eq!(reprepared, 0);
    }
}
