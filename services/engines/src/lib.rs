//! `#[engines::both]` compiles one module of store code once per database engine, so the
//! SQL and the Rust around it are written once and checked at compile time against both
//! SQLite and PostgreSQL.
//!
//! ```ignore
//! #[engines::both]
//! mod sql {
//!     use super::*;
//!     pub async fn count(db: &Db) -> Result<i64, sqlx::Error> {
//!         sqlx::query_scalar!(r#"SELECT COUNT(*) AS "n!" FROM settings"#).fetch_one(db.pool()).await
//!     }
//! }
//! ```
//!
//! becomes `mod sql_sqlite` and `mod sql_postgres`, each with the items of `sql` and that
//! engine's `Db`, `Conn`, `Engine`, `write`, `write_for` and `WriteOne` in scope (`crate::store::engine`),
//! and, beside them, `pub async fn count(db: &crate::store::Db)`, which calls the copy for
//! the engine the database uses. A public function whose first argument is
//! `tx: &mut Conn` gets one taking `&mut crate::store::WriteTx` the same way.
//!
//! Inside the copies:
//! - `sql::` in a path (another store module's `sql`) names that module's copy for the
//!   same engine, so a transaction can pass between modules;
//! - `#[only(sqlite)]` or `#[only(postgres)]` on an item or a statement (a block too) keeps it in that
//!   engine's copy alone (the few places where the dialects differ, such as search);
//! - the PostgreSQL copy's `query!`, `query_as!` and `query_scalar!` texts end in a comment
//!   naming the engine, so that the two engines' query data (`.sqlx/`, keyed by a hash of
//!   the text) never share a file.
//!
//! While `scripts/sqlx-prepare.sh` records one engine's query data (`TANDEM_SQLX_ENGINE`
//! set), the other engine's function bodies are left out, as their queries cannot be
//! checked against that database.

use proc_macro::TokenStream;
use proc_macro2::{Group, Ident, Span, TokenStream as Tokens, TokenTree};
use quote::{format_ident, quote, ToTokens};
use syn::visit_mut::VisitMut;
use syn::{parse_macro_input, FnArg, Item, ItemMod, Pat, Visibility};

const ENGINES: [&str; 2] = ["sqlite", "postgres"];

#[proc_macro_attribute]
pub fn both(_attr: TokenStream, item: TokenStream) -> TokenStream {
    let module = parse_macro_input!(item as ItemMod);
    match expand(module) {
        Ok(tokens) => tokens.into(),
        Err(error) => error.to_compile_error().into(),
    }
}

fn expand(module: ItemMod) -> syn::Result<Tokens> {
    let Some((_, items)) = &module.content else {
        return Err(syn::Error::new_spanned(
            &module,
            "#[engines::both] needs the module's items inline: mod sql { ... }",
        ));
    };
    let name = &module.ident;
    let attrs = &module.attrs;
    let preparing = std::env::var("TANDEM_SQLX_ENGINE").ok();
    let mut out = Tokens::new();
    for engine in ENGINES {
        let copy_name = format_ident!("{}_{}", name, engine);
        let engine_ident = Ident::new(engine, Span::call_site());
        let mut copy: Vec<Item> = items.clone();
        let mut only = Only { engine };
        copy.retain(|item| only.keeps(item_attrs(item)));
        for item in &mut copy {
            only.visit_item_mut(item);
        }
        if preparing.as_deref().is_some_and(|p| p != engine) {
            for item in &mut copy {
                Unchecked.visit_item_mut(item);
            }
        }
        let body = rewrite(
            copy.iter().map(ToTokens::to_token_stream).collect(),
            name,
            engine,
        );
        out.extend(quote! {
            #(#attrs)*
            #[allow(unused_imports, dead_code, unused_variables, clippy::all)]
            pub(crate) mod #copy_name {
                use crate::store::engine::#engine_ident::{Conn, Db, Engine, QueryResult, WriteOne, WriteTx, write, write_for};
                #body
            }
        });
    }
    for item in items {
        if let Item::Fn(function) = item {
            if let Some(dispatch) = dispatcher(name, function)? {
                out.extend(dispatch);
            }
        }
    }
    Ok(out)
}

fn item_attrs(item: &Item) -> &[syn::Attribute] {
    match item {
        Item::Fn(i) => &i.attrs,
        Item::Const(i) => &i.attrs,
        Item::Static(i) => &i.attrs,
        Item::Struct(i) => &i.attrs,
        Item::Enum(i) => &i.attrs,
        Item::Impl(i) => &i.attrs,
        Item::Use(i) => &i.attrs,
        Item::Type(i) => &i.attrs,
        Item::Mod(i) => &i.attrs,
        _ => &[],
    }
}

/// Drops what `#[only(other)]` marks and the `#[only(..)]` marks themselves.
struct Only {
    engine: &'static str,
}

impl Only {
    fn keeps(&self, attrs: &[syn::Attribute]) -> bool {
        attrs.iter().all(|attr| {
            !attr.path().is_ident("only")
                || attr
                    .parse_args::<Ident>()
                    .is_ok_and(|engine| engine == self.engine)
        })
    }
}

fn strip_only(attrs: &mut Vec<syn::Attribute>) {
    attrs.retain(|attr| !attr.path().is_ident("only"));
}

impl VisitMut for Only {
    fn visit_block_mut(&mut self, block: &mut syn::Block) {
        block.stmts.retain(|stmt| {
            let attrs = match stmt {
                syn::Stmt::Local(local) => &local.attrs[..],
                syn::Stmt::Item(item) => item_attrs(item),
                syn::Stmt::Expr(expr, _) => expr_attrs(expr),
                syn::Stmt::Macro(mac) => &mac.attrs[..],
            };
            self.keeps(attrs)
        });
        for stmt in &mut block.stmts {
            match stmt {
                syn::Stmt::Local(local) => strip_only(&mut local.attrs),
                syn::Stmt::Macro(mac) => strip_only(&mut mac.attrs),
                syn::Stmt::Expr(syn::Expr::Macro(mac), _) => strip_only(&mut mac.attrs),
                syn::Stmt::Expr(syn::Expr::Block(block), _) => strip_only(&mut block.attrs),
                _ => {}
            }
        }
        syn::visit_mut::visit_block_mut(self, block);
    }

    fn visit_item_fn_mut(&mut self, item: &mut syn::ItemFn) {
        strip_only(&mut item.attrs);
        syn::visit_mut::visit_item_fn_mut(self, item);
    }
}

fn expr_attrs(expr: &syn::Expr) -> &[syn::Attribute] {
    match expr {
        syn::Expr::Macro(mac) => &mac.attrs,
        syn::Expr::Call(call) => &call.attrs,
        syn::Expr::MethodCall(call) => &call.attrs,
        syn::Expr::Block(block) => &block.attrs,
        _ => &[],
    }
}

/// Replaces function bodies with `unreachable!()` (see the crate's note on preparing).
struct Unchecked;

impl VisitMut for Unchecked {
    fn visit_block_mut(&mut self, block: &mut syn::Block) {
        *block =
            syn::parse_quote!({ unreachable!("query data is being prepared for another engine") });
    }
}

/// `sql::` becomes `sql_<engine>::`; the PostgreSQL copy's checked query texts are marked.
fn rewrite(tokens: Tokens, name: &Ident, engine: &str) -> Tokens {
    let trees: Vec<TokenTree> = tokens.into_iter().collect();
    let mut out = Vec::with_capacity(trees.len());
    let mut i = 0;
    while i < trees.len() {
        match &trees[i] {
            TokenTree::Ident(ident)
                if ident == name
                    && matches!(trees.get(i + 1), Some(TokenTree::Punct(p)) if p.as_char() == ':') =>
            {
                out.push(TokenTree::Ident(Ident::new(
                    &format!("{ident}_{engine}"),
                    ident.span(),
                )));
            }
            TokenTree::Ident(ident)
                if engine == "postgres"
                    && ["query", "query_as", "query_scalar"]
                        .contains(&ident.to_string().as_str())
                    && matches!(trees.get(i + 1), Some(TokenTree::Punct(p)) if p.as_char() == '!')
                    && matches!(trees.get(i + 2), Some(TokenTree::Group(_))) =>
            {
                let TokenTree::Group(group) = &trees[i + 2] else {
                    unreachable!()
                };
                out.push(trees[i].clone());
                out.push(trees[i + 1].clone());
                let mut marked = Group::new(group.delimiter(), mark_sql(group.stream()));
                marked.set_span(group.span());
                out.push(TokenTree::Group(marked));
                i += 3;
                continue;
            }
            TokenTree::Group(group) => {
                let mut inner =
                    Group::new(group.delimiter(), rewrite(group.stream(), name, engine));
                inner.set_span(group.span());
                out.push(TokenTree::Group(inner));
            }
            other => out.push(other.clone()),
        }
        i += 1;
    }
    out.into_iter().collect()
}

/// The first string literal among a query macro's arguments, with the engine's mark.
fn mark_sql(args: Tokens) -> Tokens {
    let mut marked = false;
    args.into_iter()
        .map(|tree| match &tree {
            TokenTree::Literal(literal) if !marked => {
                match syn::parse2::<syn::LitStr>(tree.to_token_stream()) {
                    Ok(sql) => {
                        marked = true;
                        let text = format!("{}\n/* postgres */", sql.value());
                        TokenTree::Literal(proc_macro2::Literal::string(&text))
                    }
                    Err(_) => tree,
                }
            }
            _ => tree,
        })
        .collect()
}

/// The public function beside the copies that calls the one for the database's engine.
fn dispatcher(module: &Ident, function: &syn::ItemFn) -> syn::Result<Option<Tokens>> {
    if matches!(function.vis, Visibility::Inherited) {
        return Ok(None);
    }
    let mut sig = function.sig.clone();
    let Some(FnArg::Typed(first)) = sig.inputs.first_mut() else {
        return Ok(None);
    };
    let Pat::Ident(first_name) = &*first.pat else {
        return Ok(None);
    };
    let (outer, pass): (syn::Type, Tokens) = match first_name.ident.to_string().as_str() {
        "db" => (syn::parse_quote!(&crate::store::Db), quote!(db)),
        "tx" => (
            syn::parse_quote!(&mut crate::store::WriteTx),
            quote!(&mut **tx),
        ),
        _ => return Ok(None),
    };
    let first_ident = first_name.ident.clone();
    *first.ty = outer;
    let mut args = Vec::new();
    for (n, input) in sig.inputs.iter_mut().enumerate().skip(1) {
        let FnArg::Typed(arg) = input else {
            return Err(syn::Error::new_spanned(
                input,
                "store functions take no self",
            ));
        };
        let ident = match &*arg.pat {
            Pat::Ident(pat) => pat.ident.clone(),
            _ => format_ident!("arg{}", n),
        };
        *arg.pat = syn::parse_quote!(#ident);
        args.push(ident);
    }
    let name = &sig.ident;
    let await_ = sig.asyncness.map(|_| quote!(.await));
    let docs = function.attrs.iter().filter(|a| a.path().is_ident("doc"));
    let vis = &function.vis;
    let (enum_path, sqlite, postgres) = match first_ident.to_string().as_str() {
        "db" => (quote!(crate::store::Db), quote!(Sqlite), quote!(Postgres)),
        _ => (
            quote!(crate::store::WriteTx),
            quote!(Sqlite),
            quote!(Postgres),
        ),
    };
    let sqlite_mod = format_ident!("{}_sqlite", module);
    let postgres_mod = format_ident!("{}_postgres", module);
    Ok(Some(quote! {
        #(#docs)*
        #vis #sig {
            match #first_ident {
                #enum_path::#sqlite(#first_ident) => #sqlite_mod::#name(#pass, #(#args),*)#await_,
                #enum_path::#postgres(#first_ident) => #postgres_mod::#name(#pass, #(#args),*)#await_,
            }
        }
    }))
}
