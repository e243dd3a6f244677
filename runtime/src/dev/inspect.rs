//! The world inspector's requests (`inspect` on the dev channel): the entity list, one
//! entity's components and instances, and writes of a component, a component field or a
//! `self` field. Served between frames on the game loop, like reloads.

use crate::api::dev::{EntityDetail, EntitySummary, InspectRequest, InspectResult, InstanceDetail};
use crate::{Error, Runtime};
use mlua::Table;
use std::collections::BTreeMap;

impl Runtime {
    /// Every live entity, by id: its name, position and scripts (what an inspector lists and
    /// a scene view draws).
    /// ```
    /// # let (_dir, rt) = crescent_runtime::doc_support::world(&[
    /// #     ("scripts/c.lua", "function update(self) end"),
    /// #     ("scene.json", r#"{"entities": [{"name": "hero", "components": {"Transform": {"position": [1, 2, 3]}}, "scripts": ["scripts/c.lua"]}]}"#),
    /// # ])?;
    /// let list = rt.entity_summaries();
    /// assert_eq!(list[0].name.as_deref(), Some("hero"));
    /// assert_eq!(list[0].position, Some([1.0, 2.0, 3.0]));
    /// assert_eq!(list[0].scripts, ["scripts/c.lua"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn entity_summaries(&self) -> Vec<EntitySummary> {
        let scripts: BTreeMap<u64, Vec<String>> = self
            .inspect_fns()
            .0
            .call::<Table>(())
            .ok()
            .map(|t| t.pairs::<u64, Vec<String>>().flatten().collect())
            .unwrap_or_default();
        let world = self.world();
        self.entity_ids()
            .into_iter()
            .filter_map(|id| {
                let e = self.entity(id)?;
                let name = world.get::<&crate::Name>(e).ok().map(|n| n.0.clone());
                let position = world.get::<&crate::Transform>(e).ok().map(|t| {
                    let p = t.position;
                    [p.x, p.y, p.z]
                });
                Some(EntitySummary {
                    id,
                    name,
                    position,
                    scripts: scripts.get(&id).cloned().unwrap_or_default(),
                })
            })
            .collect()
    }

    /// One entity: every component (built-in, host and script components) as JSON and every
    /// script instance's `self`.
    ///
    /// # Errors
    /// [`Error::Entity`] when there is no such entity.
    /// ```
    /// # let (_dir, rt) = crescent_runtime::doc_support::world(&[
    /// #     ("scripts/c.lua", "function init(self) self.speed = 2 end"),
    /// #     ("scene.json", r#"{"entities": [{"name": "hero", "components": {"Inventory": {"coins": 3}}, "scripts": ["scripts/c.lua"]}]}"#),
    /// # ])?;
    /// let id = rt.find("hero").expect("hero");
    /// let hero = rt.entity_detail(id)?;
    /// assert_eq!(hero.components["Inventory"]["coins"], 3);
    /// assert_eq!(hero.scripts[0].fields["speed"], 2);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn entity_detail(&self, id: u64) -> crate::Result<EntityDetail> {
        if self.entity(id).is_none() {
            return Err(Error::Entity {
                entity: id,
                message: "no such entity".into(),
            });
        }
        let mut names: Vec<String> = self
            .api()
            .components
            .iter()
            .map(|c| c.name.clone())
            .collect();
        names.extend(
            self.inspect_fns()
                .1
                .call::<Vec<String>>(id as i64)
                .unwrap_or_default(),
        );
        let mut components = BTreeMap::new();
        for name in names {
            if let Ok(Some(v)) = self.component_json(id, &name) {
                components.insert(name, v);
            }
        }
        let name = components
            .get("Name")
            .and_then(|v| v.as_str())
            .map(str::to_string);
        let paths = self
            .entity_summaries()
            .into_iter()
            .find(|s| s.id == id)
            .map(|s| s.scripts)
            .unwrap_or_default();
        let mut scripts = Vec::new();
        let mut seen = std::collections::BTreeSet::new();
        for path in paths {
            if !seen.insert(path.clone()) {
                continue;
            }
            let mut fields = self.instance_self(id, &path).unwrap_or_default();
            if let Some(map) = fields.as_object_mut() {
                map.remove("entity");
            }
            scripts.push(InstanceDetail { path, fields });
        }
        Ok(EntityDetail {
            id,
            name,
            components,
            scripts,
        })
    }

    /// Serves one inspector request between frames.
    pub fn inspect(&mut self, request: InspectRequest) -> InspectResult {
        let done = |r: crate::Result<()>| match r {
            Ok(()) => InspectResult::Ok,
            Err(e) => InspectResult::Error {
                message: e.to_string(),
            },
        };
        match request {
            InspectRequest::Entities => InspectResult::Entities {
                entities: self.entity_summaries(),
            },
            InspectRequest::Entity { entity } => match self.entity_detail(entity) {
                Ok(d) => InspectResult::Entity {
                    entity: Box::new(d),
                },
                Err(e) => InspectResult::Error {
                    message: e.to_string(),
                },
            },
            InspectRequest::SetComponent {
                entity,
                component,
                field,
                value,
            } => {
                let value = match field {
                    None => Ok(value),
                    Some(field) => match self.component_json(entity, &component) {
                        Ok(Some(mut whole)) => match whole.as_object_mut() {
                            Some(map) if map.contains_key(&field) => {
                                map.insert(field, value);
                                Ok(whole)
                            }
                            _ => Err(Error::Entity {
                                entity,
                                message: format!("{component} has no field `{field}`"),
                            }),
                        },
                        Ok(None) => Err(Error::Entity {
                            entity,
                            message: format!("the entity has no {component}"),
                        }),
                        Err(e) => Err(e),
                    },
                };
                done(value.and_then(|v| self.set_component_json(entity, &component, &v)))
            }
            InspectRequest::SetSelf {
                entity,
                script,
                field,
                value,
            } => done(self.set_instance_field(entity, &script, &field, &value)),
        }
    }
}
