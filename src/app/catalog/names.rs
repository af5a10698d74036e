//! Cadres' names by id, packed into one buffer, for the lists that show other people's names
//! (pairs, reserve, reviews) while they are built.

use crate::domain::Id;

#[derive(Debug, Clone, Default)]
pub struct Names {
    ids: Vec<Id>,
    ends: Vec<u32>,
    text: String,
}

impl Names {
    /// Adds a name; ids come in ascending order.
    pub fn push(&mut self, id: Id, name: &str) {
        if self.ids.last().is_some_and(|&last| last >= id) {
            // Out of order (never while streaming by id): keep the order by inserting.
            let at = self.ids.partition_point(|&x| x < id);
            let mut rest = Names::default();
            for i in at..self.ids.len() {
                rest.push_end(self.ids[i], self.get_at(i));
            }
            let cut = if at == 0 { 0 } else { self.ends[at - 1] as usize };
            self.ids.truncate(at);
            self.ends.truncate(at);
            self.text.truncate(cut);
            if rest.ids.first() != Some(&id) {
                self.push_end(id, name);
            }
            for i in 0..rest.ids.len() {
                let same = rest.ids[i] == id;
                self.push_end(rest.ids[i], if same { name } else { rest.get_at(i) });
            }
            return;
        }
        self.push_end(id, name);
    }

    fn push_end(&mut self, id: Id, name: &str) {
        self.ids.push(id);
        self.text.push_str(name);
        self.ends.push(self.text.len() as u32);
    }

    fn get_at(&self, i: usize) -> &str {
        let from = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.text[from..self.ends[i] as usize]
    }

    /// A cadre's name, or "?" when the cadre was not read (a row that points at nobody).
    pub fn get(&self, id: Id) -> &str {
        match self.ids.binary_search(&id) {
            Ok(i) => self.get_at(i),
            Err(_) => "?",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_by_id() {
        let mut n = Names::default();
        n.push(1, "张三");
        n.push(5, "李四");
        n.push(3, "王五");
        n.push(5, "李四四");
        assert_eq!((n.get(1), n.get(3), n.get(5), n.get(4)), ("张三", "王五", "李四四", "?"));
    }
}
